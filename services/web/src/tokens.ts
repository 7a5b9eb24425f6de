/** Injection tokens of the web service. */
export const WEB_CONFIG = Symbol('WEB_CONFIG');
