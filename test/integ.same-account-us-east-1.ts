import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { buildLandingZoneApp } from '../demo/landing-zone-app';

// Home region us-east-1 of the management account: one stack, Organizations events matched directly.
const { app, home } = buildLandingZoneApp({ variant: 'same-account-us-east-1' });
new IntegTest(app, 'SameAccountUsEast1Integ', { testCases: [home] });
