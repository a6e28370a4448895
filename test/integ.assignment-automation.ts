import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { buildLandingZoneApp } from '../demo/landing-zone-app';

// The two-stack example: catalog and automation in the home region of the management account,
// the Organizations forwarder in us-east-1. Snapshot checked offline by `npx projen integ`.
const { app, home, orgEvents } = buildLandingZoneApp({ variant: 'two-stack' });
new IntegTest(app, 'AssignmentAutomationInteg', { testCases: [home, orgEvents!] });
