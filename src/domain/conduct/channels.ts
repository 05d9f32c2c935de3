import type { Channel } from './rule-pack.schema.ts';

/** Channels that reach a person at a phone number: they need one on record, and they follow that number's location. */
export const PHONE_CHANNELS: readonly Channel[] = ['call', 'sms', 'whatsapp'];
