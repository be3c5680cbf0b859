// The demo plumbing business: its people, customers and the work it does, and
// the seeded dice every choice is rolled with, so one seed gives one business.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

export class Dice {
  private readonly rng: RandomGenerator;
  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed);
  }
  /** An integer from min to max, both included. */
  int(min: number, max: number): number {
    return uniformInt(this.rng, min, max);
  }
  /** A number in [0, 1). */
  float(): number {
    return uniformFloat64(this.rng);
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  /** One of the keys, drawn with the given weights. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    let roll = this.float() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }
}

export const ORG = { name: 'Rapid Flow Plumbing & Heating', timezone: 'Europe/London', domain: 'rapidflow-plumbing', trade: 'plumbing' };
export const DEMO_PASSWORD = 'rapidflow-demo-2026';

export type TeamKey = 'office' | 'sales' | 'field';

export interface DemoPerson {
  name: string;
  role: 'owner' | 'admin' | 'manager' | 'member';
  team: TeamKey | null;
  /** Leads the team. */
  lead?: boolean;
}

export const PEOPLE: DemoPerson[] = [
  { name: 'Olivia Grant', role: 'owner', team: null },
  { name: 'Priya Shah', role: 'admin', team: 'office', lead: true },
  { name: 'Dan Ortiz', role: 'member', team: 'office' },
  { name: 'Mia Chen', role: 'member', team: 'office' },
  { name: 'Sam Patel', role: 'manager', team: 'sales', lead: true },
  { name: 'Leo Brooks', role: 'member', team: 'sales' },
  { name: 'Ava Moreno', role: 'member', team: 'sales' },
  { name: 'Frank Hughes', role: 'manager', team: 'field', lead: true },
  { name: 'Tom Rivera', role: 'member', team: 'field' },
  { name: 'Jess Kim', role: 'member', team: 'field' },
  { name: 'Raj Singh', role: 'member', team: 'field' },
];

export const TEAM_NAMES: Record<TeamKey, string> = { office: 'Office', sales: 'Sales', field: 'Field' };

export function emailOf(name: string, domain: string): string {
  return `${name.split(' ')[0]!.toLowerCase()}@${domain}.demo`;
}

const FIRST = ['Dana', 'Eli', 'Grace', 'Hugo', 'Isla', 'Jack', 'Kara', 'Liam', 'Maya', 'Noah', 'Orla', 'Pete', 'Quinn', 'Rosa', 'Seth', 'Tara', 'Umar', 'Vera', 'Will', 'Zoe', 'Amir', 'Bea', 'Cole', 'Dina'];
const LAST = ['Reyes', 'Walsh', 'Okafor', 'Lindqvist', 'Byrne', 'Novak', 'Hale', 'Iqbal', 'Mercer', 'Doyle', 'Fischer', 'Gupta', 'Kowalski', 'Nash', 'Price', 'Sato', 'Turner', 'Varga', 'Young', 'Ellis'];
const STREETS = ['Elm Road', 'Mill Lane', 'Church Street', 'Park Avenue', 'Station Road', 'Victoria Street', 'Oak Close', 'Meadow Way', 'King Street', 'Queens Drive', 'Harbour View', 'Chapel Row'];
const TOWNS = ['Leeds', 'Harrogate', 'Otley', 'Ilkley', 'Wetherby', 'Bradford'];
const BUSINESSES = ['Elm Road Lettings', 'Oakfield Primary School', 'The Crown Inn', 'Harbour View Dental', 'Meadow Way Care Home', 'Northside Gym', 'Station Road Bakery', 'Parkside Offices'];

export const LEAD_SOURCES = { website: 5, referral: 3, phone: 3, google_ads: 2, facebook: 1, repeat_customer: 2 } as const;
const LEAD_WORK = ['Boiler replacement', 'Bathroom refit', 'New radiators', 'Leak under the kitchen', 'Power flush', 'Unvented cylinder install', 'Underfloor heating', 'Outside tap and hose', 'Smart thermostat fit', 'Blocked drain'];
const JOB_WORK = ['Boiler repair', 'Annual boiler service', 'Fix leaking tap', 'Replace radiator valve', 'Unblock drain', 'Install new boiler', 'Bathroom first fix', 'Gas safety inspection', 'Replace immersion heater', 'Burst pipe repair'];

export function personName(dice: Dice): string {
  return `${dice.pick(FIRST)} ${dice.pick(LAST)}`;
}

export function address(dice: Dice): string {
  return `${dice.int(1, 180)} ${dice.pick(STREETS)}, ${dice.pick(TOWNS)}`;
}

export function phone(dice: Dice): string {
  // Ofcom's range for drama: never a real subscriber.
  return `07700 900${String(dice.int(0, 999)).padStart(3, '0')}`;
}

export function businessName(dice: Dice, index: number): string {
  return BUSINESSES[index % BUSINESSES.length]!;
}

export function leadTitle(dice: Dice, contactName: string): string {
  return `${dice.pick(LEAD_WORK)} — ${contactName.split(' ')[1]}`;
}

export function jobTitle(dice: Dice): string {
  return dice.pick(JOB_WORK);
}

export const SERVICE_PLANS = [
  { kind: 'maintenance_plan', title: 'Boiler care plan' },
  { kind: 'maintenance_plan', title: 'Annual heating service' },
  { kind: 'warranty', title: '10-year boiler warranty' },
  { kind: 'warranty', title: 'Workmanship guarantee' },
  { kind: 'inspection', title: 'Landlord gas safety certificate' },
  { kind: 'inspection', title: 'Backflow test' },
] as const;

export type TaskStatus = 'open' | 'in_progress' | 'waiting' | 'blocked' | 'done' | 'cancelled';
export const STATUS_WEIGHTS: Record<TaskStatus, number> = { open: 30, in_progress: 14, waiting: 9, blocked: 6, done: 33, cancelled: 8 };
export const PRIORITY_WEIGHTS = { urgent: 1, high: 3, normal: 10, low: 3 } as const;
export const WAITING_ON = ['Customer to send photos', 'Customer to confirm a date', 'Supplier quote', 'Landlord approval', 'Payment'];
export const BLOCKED_BY = ['Part on back-order', 'No access to the property', 'Waiting for the gas supplier', 'Needs a second engineer'];

export type RecordKind = 'lead' | 'job' | 'service' | 'client';

export interface TaskTemplate {
  record: RecordKind;
  title: string;
  team: TeamKey;
  checklist?: (string | { text: string; photoRequired: boolean })[];
  /** A job's task that comes before its visit (only for visits still to come) or after it (only once done). */
  visit?: 'before' | 'after';
}

/** `{name}` is the linked record's name or title. */
export const TASK_TEMPLATES: TaskTemplate[] = [
  { record: 'lead', title: 'Call {name} back', team: 'sales', checklist: ['Confirm the address', 'Offer a survey slot'] },
  { record: 'lead', title: 'Send quote: {name}', team: 'sales' },
  { record: 'lead', title: 'Follow up on the quote: {name}', team: 'sales' },
  { record: 'lead', title: 'Book a site survey: {name}', team: 'office' },
  { record: 'job', title: 'Confirm the appointment: {name}', team: 'office', visit: 'before' },
  { record: 'job', title: 'Order parts for {name}', team: 'field', checklist: ['Check the van stock', 'Order from the merchant', 'Book collection'], visit: 'before' },
  { record: 'job', title: 'Upload photos and notes: {name}', team: 'field', checklist: [{ text: 'Photo of the finished work', photoRequired: true }, 'Notes for the office'], visit: 'after' },
  { record: 'job', title: 'Send the invoice: {name}', team: 'office', visit: 'after' },
  { record: 'job', title: 'Ask for a review: {name}', team: 'office', visit: 'after' },
  { record: 'job', title: 'Chase the unpaid invoice: {name}', team: 'office', visit: 'after' },
  { record: 'service', title: 'Book the annual visit: {name}', team: 'office' },
  { record: 'service', title: 'Prepare the certificate: {name}', team: 'field', checklist: [{ text: 'Photo of the meter readings', photoRequired: true }, 'Certificate signed', 'Copy emailed to the customer'] },
  { record: 'client', title: 'Update billing details for {name}', team: 'office' },
];
