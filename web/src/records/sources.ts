// The other systems a record may also live in (its external references), as
// people name them: hubspot → HubSpot, housecall_pro → Housecall Pro.

/** Systems whose names do not follow from their short name by capitals alone. */
const KNOWN_NAMES: Record<string, string> = {
  hubspot: 'HubSpot',
  jobber: 'Jobber',
  twenty: 'Twenty',
  salesforce: 'Salesforce',
  pipedrive: 'Pipedrive',
  zoho: 'Zoho CRM',
  servicetitan: 'ServiceTitan',
  housecallpro: 'Housecall Pro',
  housecall_pro: 'Housecall Pro',
  quickbooks: 'QuickBooks',
  xero: 'Xero',
  freshsales: 'Freshsales',
  activecampaign: 'ActiveCampaign',
  mailchimp: 'Mailchimp',
  monday: 'monday.com',
  airtable: 'Airtable',
  sheet: 'the spreadsheet',
  google_sheets: 'Google Sheets',
  gsheets: 'Google Sheets',
  fieldedge: 'FieldEdge',
  workiz: 'Workiz',
  simpro: 'simPRO',
  servicem8: 'ServiceM8',
  tradify: 'Tradify',
  stripe: 'Stripe',
  shopify: 'Shopify',
  zendesk: 'Zendesk',
  intercom: 'Intercom',
  gohighlevel: 'HighLevel',
  highlevel: 'HighLevel',
  odoo: 'Odoo',
  sugarcrm: 'SugarCRM',
  copper: 'Copper',
  close: 'Close',
  attio: 'Attio',
  erp: 'the ERP',
  crm: 'the CRM',
};

/** The name to show for a source: a known system's own spelling, else its words capitalised (my_crm → My Crm). */
export function sourceName(source: string): string {
  const known = KNOWN_NAMES[source.toLowerCase()];
  if (known) return known;
  return source
    .split(/[_-]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/** "Open in HubSpot" — "the spreadsheet" reads as "Open in the spreadsheet". */
export function openInLabel(source: string): string {
  return `Open in ${sourceName(source)}`;
}

/** A reference's link, when it is one a browser may open (http or https only). */
export function safeUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}
