import { EventTypeRegistry } from '../registry';
import { registerCaseEvents } from './case-events';
import { registerInboundAdvice } from './inbound-advice';

export * from './case-events';
export * from './inbound-advice';

/** A registry holding every integration event type Tell It Once publishes or accepts. */
export function createIntegrationEventRegistry(): EventTypeRegistry {
  const registry = new EventTypeRegistry();
  registerCaseEvents(registry);
  registerInboundAdvice(registry);
  return registry;
}

/** The shared catalogue; domain libraries and services add their types with `integrationEvents.register(...)`. */
export const integrationEvents: EventTypeRegistry = createIntegrationEventRegistry();
