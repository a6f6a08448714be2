/**
 * Words for the content model's fixed lists (delivery modes, provider types, referral routes) and the
 * review rule. These lists are part of the model, not of a borough's content, so their labels live here.
 */
import type { DeliveryMode, ProviderType, Service } from '../content/schema.js';
import type { ReferralRoute, SortOrder } from './search.js';

export const deliveryLabels: Record<DeliveryMode, string> = {
  'in-person': 'In person',
  phone: 'Phone',
  online: 'Online',
  text: 'Text message',
};

export const providerLabels: Record<ProviderType, string> = {
  council: 'Council',
  nhs: 'NHS',
  police: 'Police',
  'school-based': 'School-based',
  voluntary: 'Voluntary sector',
  community: 'Community',
  national: 'National',
};

export const routeLabels: Record<ReferralRoute, string> = {
  self: 'Families can refer themselves',
  professional: 'Professionals can refer',
  'front-door': 'Through the front door',
};

export const sortLabels: Record<SortOrder, string> = {
  relevance: 'Most relevant',
  name: 'Name (A to Z)',
  reviewed: 'Recently reviewed',
};

/** The referral routes a service accepts, in the filter's words. */
export function serviceRoutes(s: Service): ReferralRoute[] {
  const out: ReferralRoute[] = [];
  if (s.referral.self) out.push('self');
  if (s.referral.professional) out.push('professional');
  if (s.referral.viaFrontDoor) out.push('front-door');
  return out;
}

/** True when a record was last reviewed more than the pack's review period ago (same rule as content:check). */
export function isDueForReview(reviewed: string, reviewPeriodMonths: number, today: Date = new Date()): boolean {
  const due = new Date(`${reviewed}T00:00:00Z`);
  if (Number.isNaN(due.getTime())) return true;
  due.setUTCMonth(due.getUTCMonth() + reviewPeriodMonths);
  return due.getTime() < today.getTime();
}
