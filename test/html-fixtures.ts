/**
 * What both HTML test files render: the demo's report and a hand-built merge
 * of three deployments (two clouds labelled, one not, which did not export os-services).
 */
import { join } from 'node:path';
import { importInventory } from '../src/inventory/import.js';
import type { MergeReport } from '../reports/export-model.js';
import type { Report } from '../reports/model.js';
import { ingestInto, reportOf, SAMPLES, tempDir } from './helpers.js';

/** The demo's report: the bundled samples and inventory, as `apicensus demo` reads them. */
export async function demoReport(): Promise<Report> {
  const db = join(tempDir(), 'demo.db');
  await ingestInto(db, [join(SAMPLES, 'nova'), join(SAMPLES, 'frontends')]);
  importInventory(db, [join(SAMPLES, 'inventory')]);
  return reportOf(db);
}

/** What `apicensus merge` makes of three clouds' exports (written by hand: the merge code is not under test here). */
export function sampleMerge(): MergeReport {
  const deployments = [
    {
      id: '0b6f3c1e-1111-4a5b-8c9d-000000000001',
      label: 'cloud-a',
      exports: 2,
      from: '2024-05-01T00:00:00.000Z',
      to: '2024-05-10T00:00:00.000Z',
      coveredDays: 9,
      apis: ['os-hosts', 'os-services'],
    },
    {
      id: '0b6f3c1e-2222-4a5b-8c9d-000000000002',
      label: 'cloud-b',
      exports: 1,
      from: '2024-05-01T00:00:00.000Z',
      to: '2024-05-08T00:00:00.000Z',
      coveredDays: 7,
      apis: ['os-hosts', 'os-services'],
    },
    {
      id: '0b6f3c1e-3333-4a5b-8c9d-000000000003',
      label: null,
      exports: 1,
      from: '2024-05-03T00:00:00.000Z',
      to: '2024-05-09T00:00:00.000Z',
      coveredDays: 6,
      apis: ['os-hosts'],
    },
  ];
  return {
    schema: 'apicensus.merge/v2',
    generatedAt: '2026-11-25T16:30:00.000Z',
    tool: { name: 'apicensus', version: '0.1.0' },
    deployments,
    apis: [
      {
        api: 'os-hosts',
        service: 'compute',
        deploymentsReporting: 3,
        deploymentsCalling: 3,
        unknown: [],
        calls: 147,
        actions: [
          {
            action: 'list',
            deploymentsReporting: 3,
            deploymentsCalling: 3,
            calls: 120,
            statusClasses: { '2xx': 117, '4xx': 3 },
            neverWorked: 0,
            refused: 3,
          },
          {
            action: 'show',
            deploymentsReporting: 3,
            deploymentsCalling: 2,
            calls: 14,
            statusClasses: { '2xx': 14 },
            neverWorked: 0,
            refused: 0,
          },
          {
            action: 'maintenance-on',
            deploymentsReporting: 3,
            deploymentsCalling: 1,
            calls: 3,
            statusClasses: { '2xx': 1, '5xx': 2 },
            neverWorked: 2,
            refused: 0,
          },
          {
            action: 'reboot',
            deploymentsReporting: 3,
            deploymentsCalling: 2,
            calls: 10,
            statusClasses: { '5xx': 8, '2xx': 2 },
            neverWorked: 8,
            refused: 0,
          },
        ],
        drivers: [
          { name: 'libvirt', deployments: 2, calls: 21 },
          { name: 'hyperv', deployments: 1, calls: 4 },
          { name: 'unknown', deployments: 1, calls: 2 },
        ],
        clients: [
          { name: 'python-novaclient 7', deployments: 2, calls: 80 },
          { name: 'openstacksdk 1', deployments: 1, calls: 40 },
          { name: 'not logged', deployments: 2, calls: 27 },
        ],
        microversions: [
          { name: null, deployments: 2, calls: 60 },
          { name: '2.1', deployments: 3, calls: 84 },
          { name: '2.53', deployments: 1, calls: 3 },
        ],
        daily: [
          { day: '2024-05-01', calls: 30, actions: { list: 26, show: 4 } },
          { day: '2024-05-02', calls: 31, actions: { list: 24, show: 3, reboot: 4 } },
          { day: '2024-05-04', calls: 28, actions: { list: 22, show: 3, 'maintenance-on': 3 } },
          { day: '2024-05-07', calls: 33, actions: { list: 25, show: 2, reboot: 6 } },
          { day: '2024-05-09', calls: 25, actions: { list: 23, show: 2 } },
        ],
        byDeployment: [
          {
            deployment: deployments[1]!.id,
            label: 'cloud-b',
            calls: 90,
            projects: 4,
            lastDay: '2024-05-07',
            daysCovered: 7,
          },
          {
            deployment: deployments[0]!.id,
            label: 'cloud-a',
            calls: 45,
            projects: 2,
            lastDay: '2024-05-09',
            daysCovered: 9,
          },
          {
            deployment: deployments[2]!.id,
            label: null,
            calls: 12,
            projects: 1,
            lastDay: '2024-05-04',
            daysCovered: 6,
          },
        ],
      },
      {
        api: 'os-services',
        service: 'compute',
        deploymentsReporting: 2,
        deploymentsCalling: 1,
        unknown: [{ deployment: deployments[2]!.id, label: null, reason: 'not exported' }],
        calls: 5,
        actions: [
          {
            action: 'disable',
            deploymentsReporting: 2,
            deploymentsCalling: 1,
            calls: 5,
            statusClasses: { '2xx': 5 },
            neverWorked: 0,
            refused: 0,
          },
        ],
        drivers: [],
        clients: [{ name: 'python-openstackclient 6', deployments: 1, calls: 5 }],
        microversions: [{ name: '2.53', deployments: 1, calls: 5 }],
        daily: [{ day: '2024-05-02', calls: 5, actions: { disable: 5 } }],
        byDeployment: [
          {
            deployment: deployments[0]!.id,
            label: 'cloud-a',
            calls: 5,
            projects: 1,
            lastDay: '2024-05-02',
            daysCovered: 9,
          },
          { deployment: deployments[1]!.id, label: 'cloud-b', calls: 0, projects: 0, lastDay: null, daysCovered: 7 },
        ],
      },
    ],
    verdict: {
      api: 'os-hosts',
      deploymentsCalling: 3,
      deploymentsReporting: 3,
      deployments: 3,
      unknown: 0,
      summary:
        'os-hosts is called in 3 of 3 deployments reporting it: list in 3 deployments (120 calls); ' +
        'show in 2 deployments (14 calls); maintenance-on in 1 deployment (3 calls, ' +
        '2 to drivers where it never works); reboot in 2 deployments (10 calls, 8 to drivers where it never works).',
    },
  };
}
