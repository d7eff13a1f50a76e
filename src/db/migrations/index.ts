import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_payments_lifecycle.ts';
import * as m0003 from './0003_webhooks.ts';
import * as m0004 from './0004_mint_portal_token.ts';
import * as m0005 from './0005_portal.ts';
import * as m0006 from './0006_payment_safety.ts';
import * as m0007 from './0007_accounts.ts';
import * as m0008 from './0008_retention.ts';
import * as m0009 from './0009_branding.ts';
import * as m0010 from './0010_key_rotation_and_time_zone.ts';
import * as m0011 from './0011_payment_instructions.ts';
import * as m0012 from './0012_saved_card_display.ts';
import * as m0013 from './0013_plan_translations.ts';
import * as m0014 from './0014_mint_fast_path.ts';
import * as m0015 from './0015_customer_email.ts';
import * as m0016 from './0016_hosted_login.ts';
import * as m0017 from './0017_refunds.ts';
import * as m0018 from './0018_payments_list.ts';
import * as m0019 from './0019_customer_list.ts';
import * as m0020 from './0020_webhook_dashboard.ts';
import * as m0021 from './0021_business_overview.ts';
import * as m0022 from './0022_renewal_reminders.ts';
import * as m0023 from './0023_money_by_quarter_hour.ts';

/**
 * Forward-only migrations, in order. Names sort lexically; never edit a shipped one,
 * add the next number instead.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_payments_lifecycle': m0002,
  '0003_webhooks': m0003,
  '0004_mint_portal_token': m0004,
  '0005_portal': m0005,
  '0006_payment_safety': m0006,
  '0007_accounts': m0007,
  '0008_retention': m0008,
  '0009_branding': m0009,
  '0010_key_rotation_and_time_zone': m0010,
  '0011_payment_instructions': m0011,
  '0012_saved_card_display': m0012,
  '0013_plan_translations': m0013,
  '0014_mint_fast_path': m0014,
  '0015_customer_email': m0015,
  '0016_hosted_login': m0016,
  '0017_refunds': m0017,
  '0018_payments_list': m0018,
  '0019_customer_list': m0019,
  '0020_webhook_dashboard': m0020,
  '0021_business_overview': m0021,
  '0022_renewal_reminders': m0022,
  '0023_money_by_quarter_hour': m0023,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
