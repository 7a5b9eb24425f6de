/** Reads a required setting; a missing one stops the service at start with a message naming the variable. */
export function requiredEnv(name: string, hint: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: ${hint}`);
  return value;
}

export interface ServiceConfig {
  port: number;
  host: string;
  databaseUrl: string;
  kafkaBrokers: string[];
  /** Prepended to every Kafka topic name (KAFKA_TOPIC_PREFIX); empty in a normal deployment. */
  topicPrefix: string;
}

/** The settings every service shares; the run command and docker-compose.yml set them. */
export function serviceConfig(serviceName: string, defaultPort: number, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const port = Number(env['PORT'] ?? defaultPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT=${env['PORT']} is not a TCP port`);
  return {
    port,
    host: env['HOST'] ?? '127.0.0.1',
    databaseUrl: requiredEnv('DATABASE_URL', `the ${serviceName} service's PostgreSQL database URL (npm start sets it)`, env),
    kafkaBrokers: requiredEnv('KAFKA_BROKERS', 'comma-separated Kafka bootstrap servers, e.g. 127.0.0.1:9092 (npm start sets it)', env).split(','),
    topicPrefix: env['KAFKA_TOPIC_PREFIX'] ?? '',
  };
}
