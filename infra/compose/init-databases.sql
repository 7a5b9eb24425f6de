-- One database per service, as the run command creates them.
CREATE DATABASE tio_case;
CREATE DATABASE tio_education;
CREATE DATABASE tio_health;
CREATE DATABASE tio_social_care;
CREATE DATABASE tio_timeline;
CREATE DATABASE tio_audit;
-- The web service's sessions.
CREATE DATABASE tio_web;
-- The per-case data keys (crypto-shredding), apart from every event store.
CREATE DATABASE tio_keys;
