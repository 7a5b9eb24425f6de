import { EventTypeRegistry } from '../registry';
import { registerAdviceEvents } from './advice-events';
import { registerCaseEvents } from './case-events';
import { registerInboundAdvice } from './inbound-advice';
import { registerTransferEvents } from './transfer-events';

export * from './case-events';
export * from './advice-events';
export * from './inbound-advice';
export * from './transfer-events';
export * from './family-contracts';

/**
 * A registry holding every integration event type Tell It Once publishes or accepts: the EHC case domain events
 * (`@tio/ehc-domain`) and the agency advice events (`@tio/advice-domain`) exactly as stored, and the inbound
 * agency messages.
 */
export function createIntegrationEventRegistry(): EventTypeRegistry {
  const registry = new EventTypeRegistry();
  registerCaseEvents(registry);
  registerAdviceEvents(registry);
  registerInboundAdvice(registry);
  registerTransferEvents(registry);
  return registry;
}

/** The shared catalogue; domain libraries and services add their types with `integrationEvents.register(...)`. */
export const integrationEvents: EventTypeRegistry = createIntegrationEventRegistry();
