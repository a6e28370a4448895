import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { buildLandingZoneApp } from '../demo/landing-zone-app';

// Catalog and automation in a delegated administrator account; the management account forwards
// Organizations events from us-east-1 and Identity Store events from the home region.
const { app, home, orgEvents, identityEvents } = buildLandingZoneApp({ variant: 'delegated-admin' });
new IntegTest(app, 'DelegatedAdminInteg', { testCases: [home, orgEvents!, identityEvents!] });
