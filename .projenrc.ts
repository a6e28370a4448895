import { awscdk, javascript } from 'projen';

// Versions measured in ../shared/TOOLCHAIN.md: aws-cdk-lib 2.176–2.257 keeps cdk-nag 2.x and the
// offline integ-runner (cloud assembly schema <= 53) working; one SDK version shared by every client
// keeps a single @smithy runtime in the Lambda bundle.
const CDK_VERSION = '2.189.1';
const AWS_SDK_VERSION = '3.1138.0';
const AWS_SDK_CLIENTS = [
  'client-dynamodb',
  'client-eventbridge',
  'client-identitystore',
  'client-organizations',
  'client-secrets-manager',
  'client-sns',
  'client-sqs',
  'client-ssm',
  'client-sts',
  'client-sso-admin',
];

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-identity-center-permissions',
  description:
    'AWS IAM Identity Center permission sets and account assignment rules for whole organizations: ' +
    'OU, tag and account targets kept in sync by a safe, quota-aware reconciler.',
  author: 'cdk-identity-center-permissions maintainers',
  authorAddress: 'maintainers@cdk-identity-center-permissions.dev',
  repositoryUrl: 'https://github.com/cdk-identity-center-permissions/cdk-identity-center-permissions.git',
  license: 'Apache-2.0',
  keywords: [
    'aws-cdk',
    'cdk',
    'awscdk',
    'identity-center',
    'aws-sso',
    'sso',
    'permission-sets',
    'account-assignments',
    'organizations',
    'landing-zone',
    'control-tower',
  ],
  stability: 'experimental',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.16.0',

  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.3',
  tsconfigDevFile: 'tsconfig.dev.json',

  publishToPypi: {
    distName: 'cdk-identity-center-permissions',
    module: 'cdk_identity_center_permissions',
  },

  // The reconciler ships pre-bundled in assets/ (npm tarball and wheel); consumers never bundle.
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_22_X,
    // projen passes every bundling option to esbuild; the type only lists a few of them.
    bundlingOptions: { externals: [], minify: true, sourcemap: false } as awscdk.LambdaFunctionCommonOptions['bundlingOptions'],
  },

  devDeps: [
    ...AWS_SDK_CLIENTS.map((client) => `@aws-sdk/${client}@${AWS_SDK_VERSION}`),
    '@aws-lambda-powertools/logger@2.36.0',
    '@aws-lambda-powertools/metrics@2.36.0',
    '@types/aws-lambda@^8.10.150',
    'zod@4.6.7',
    // The state table's DynamoDB in tests, the demo and the benchmark: an emulator nobody here wrote.
    'dynalite@4.0.0',
    'fast-check@^4.11.0',
    'cdk-nag@2.38.2',
    '@aws-cdk/integ-tests-alpha@2.187.0-alpha.0',
    '@aws-cdk/integ-runner@2.197.10',
    'aws-cdk@2.1148.1',
  ],

  jestOptions: {
    // CI must fail on a changed snapshot, never rewrite it.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 60_000,
      snapshotSerializers: ['<rootDir>/test/asset-hash-serializer.ts'],
    },
  },

  // One dev tsconfig covers src, test, simulator, bench and demo; eslint type-checks against it.
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'simulator', 'bench', 'demo', 'rosetta'],
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
  },
  gitignore: ['/cdk.out/', '.jsii.tabl.json', '**/*.snapshot/**/asset.*', '/dist/.pysrc/', '/bench/out/', '/demo/out/', '.venv/'],
  githubOptions: { mergify: false },
  depsUpgrade: false,
});

// The reconciler and the operator command may import dev dependencies: esbuild bundles them, and
// the construct never imports them (the layering rules below).
project.eslint?.allowDevDeps('src/reconciler/**');
project.eslint?.allowDevDeps('src/cli/**');

// Layering the build enforces (README, "Where a change goes"):
// - the reconciler core is pure TypeScript over ports: no SDK, no CDK, no zod, no adapters;
// - constructs reach into the reconciler only through its contract and the config document modules,
//   never into code that needs the Lambda's bundled dependencies.
project.eslint?.addOverride({
  files: ['src/reconciler/core/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        {
          group: ['@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*', 'aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'zod'],
          message: 'the reconciler core is pure: reach AWS through a port in core/ports.ts, implemented in adapters/',
        },
        {
          group: ['**/adapters', '**/adapters/*', '**/config/schema', '**/compose', '**/*.lambda', '**/runtime-config'],
          message: 'the reconciler core depends on nothing outside core/ but the config document modules; adapters and the composition root depend on it',
        },
      ],
    }],
  },
});
project.eslint?.addOverride({
  files: ['src/*.ts', 'src/private/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        // gitignore semantics: a file is re-included only once its folder is (`!**/reconciler/config/`).
        group: [
          '**/reconciler/**',
          '!**/reconciler/config/',
          '!**/reconciler/contract',
          '!**/reconciler/config/document',
          '!**/reconciler/config/describe',
          '!**/reconciler/config/identifiers',
          '!**/reconciler/reconcile-function',
        ],
        message: 'constructs may import only the reconciler\'s contract (reconciler/contract.ts), the config document modules (document, describe, identifiers) and the generated ReconcileFunction',
      }],
    }],
  },
});

// README and docstring examples are compiled by jsii-rosetta against rosetta/default.ts-fixture,
// strictly, so the Python examples Construct Hub shows are real.
project.package.file.addOverride('jsii.metadata.jsii.rosetta.strict', true);
project.postCompileTask.exec('jsii-rosetta extract --strict --compile --fail');
project.npmignore?.include('.jsii.tabl.json');

// The operator commands (`npx cdk-identity-center-permissions plan|adopt`), bundled like the Lambda
// so they carry their SDK clients and need no runtime dependencies.
project.bundler.addBundle('src/cli/main.ts', {
  platform: 'node',
  target: 'node20',
  externals: [],
  outfile: 'index.js',
  minify: true,
  banner: '#!/usr/bin/env node',
});
project.addBins({ 'cdk-identity-center-permissions': 'assets/cli/main/index.js' });
// esbuild writes the bundle 0644. npm makes bins executable when it installs them, but jsii's Python
// runtime runs the bin's file from the package's embedded tarball as is (`cdk-identity-center-permissions
// --help` from the wheel exited 126, "Permission denied"): the file must be executable in the tarball.
// npm pack keeps the file's executable bit; .ci/run checks the mode in both tarballs.
project.tasks.tryFind('bundle:cli/main')!.exec('chmod 0755 assets/cli/main/index.js');


// integ-runner snapshot check, offline: never deploys, fails on a changed snapshot.
const integ = project.addTask('integ', {
  description: 'Check the integ-runner snapshots (offline; never deploys)',
  exec: "integ-runner --language typescript --app 'node -r ts-node/register/transpile-only {filePath}'",
  receiveArgs: true,
});
integ.env('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
project.addTask('integ:update', {
  description: 'Create or update integ-runner snapshots without deploying',
  exec: "integ-runner --language typescript --app 'node -r ts-node/register/transpile-only {filePath}' --dry-run --update-on-failed --force",
});

// The demo (the README's main job) and the benchmark run the bundled reconciler against the simulator.
const demo = project.addTask('demo', {
  description: 'Synthesize the example landing zone and reconcile it against the simulated organization (under a minute)',
});
demo.spawn(project.tasks.tryFind('bundle')!);
demo.exec('ts-node --transpile-only demo/demo.ts');
const bench = project.addTask('bench', {
  description: 'Benchmark the bundled reconciler against the simulator with quotas on (--scale=0.2 for a quick run)',
});
bench.spawn(project.tasks.tryFind('bundle')!);
bench.exec('ts-node --transpile-only bench/bench.ts', { receiveArgs: true });

// PyPI is unreachable here: generate the Python code only, then build sdist and wheel with Debian's
// python3-build (see ../shared/TOOLCHAIN.md). Release workflows still use package:python.
project.addTask('package:python:offline', {
  description: 'Build the Python sdist and wheel without network access',
  steps: [
    { exec: 'rm -rf dist/.pysrc dist/python' },
    { exec: 'jsii-pacmak -v --target python --code-only --outdir dist/.pysrc' },
    { exec: 'PYENV_VERSION=system python3 -m build --no-isolation --skip-dependency-check --outdir dist/python dist/.pysrc/python' },
    { exec: 'PYENV_VERSION=system python3 -m twine check dist/python/*' },
  ],
});

for (const pattern of ['/bench/', '/demo/', '/simulator/', '/rosetta/', '/tsconfig.dev.json', '/.ci/', '/cdk.out/']) {
  project.npmignore?.exclude(pattern);
}

project.tsconfigDev.addInclude('.projenrc.ts');

project.synth();
