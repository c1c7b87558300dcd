/**
 * The CDK app stays out of the service's production install: every package it brings is a development dependency
 * in the lock, so `npm ci --omit=dev` beside package.json and package-lock.json (the Dockerfile's prod-deps stage)
 * installs what it did before the workspace existed (158 packages, 69 MB, measured).
 */
import { readFileSync } from 'node:fs'
import t from 'tap'

const read = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'))
const lock = read('../../package-lock.json') as { packages: Record<string, { dev?: boolean, devOptional?: boolean }> }
const infra = read('../package.json') as { dependencies?: object, devDependencies: Record<string, string> }
const root = read('../../package.json') as { workspaces: string[], dependencies: object, devDependencies: object }

t.test('infra is a workspace, not a dependency of the service', async t => {
  t.ok(root.workspaces.includes('infra'))
  t.notOk('@cognito-bff/infra' in root.dependencies)
  t.notOk('@cognito-bff/infra' in root.devDependencies)
})

t.test('its packages are development dependencies only, and the lock says so', async t => {
  t.equal(infra.dependencies, undefined, 'no "dependencies" in infra/package.json')
  for (const name of ['aws-cdk-lib', 'cdk-nag', 'constructs']) {
    t.ok(name in infra.devDependencies, `${name} is a devDependency`)
    const entry = lock.packages[`node_modules/${name}`]
    t.ok(entry?.dev === true, `${name} is "dev" in package-lock.json (left out by npm ci --omit=dev)`)
  }
})
