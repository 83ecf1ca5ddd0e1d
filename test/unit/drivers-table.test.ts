// `netpaths drivers` as text (src/analysis/presets/table.ts) and the rule that puts a driver
// with the hardware or the virtual devices (device-kind.ts), on kernel-paths plus
// drivers written here: virtual links, a USB-style driver whose device comes from its bus,
// and the libraries it uses.

import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildIndex } from '../../src/analysis/index/indexer';
import {
  type DriverSummary,
  PresetContext,
  ROUTES,
  formatDriverTable,
  listDrivers,
} from '../../src/analysis/presets';
import { TABLE_WIDTH } from '../../src/analysis/presets/table';

const VLINK = `/* A virtual link: made by ip link add, no interrupt, no device from a bus. */
#include <linux/netdevice.h>

static netdev_tx_t vlink_xmit(struct sk_buff *skb, struct net_device *dev)
{
	return NETDEV_TX_OK;
}

static const struct net_device_ops vlink_netdev_ops = {
	.ndo_start_xmit = vlink_xmit,
};

static void vlink_setup(struct net_device *dev)
{
	dev->netdev_ops = &vlink_netdev_ops;
}

static struct rtnl_link_ops vlink_link_ops = {
	.setup = vlink_setup,
};
`;

const USBLIB = `/* A library of USB network drivers: the transmit function they share. */
#include <linux/netdevice.h>

netdev_tx_t usblib_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	return NETDEV_TX_OK;
}

static const struct net_device_ops usblib_netdev_ops = {
	.ndo_start_xmit = usblib_start_xmit,
};
`;

const USBDEV = `/* A USB network driver: the USB core hands it its device through probe. */
#include <linux/netdevice.h>

netdev_tx_t usblib_start_xmit(struct sk_buff *skb, struct net_device *dev);

static const struct net_device_ops usbdev_netdev_ops = {
	.ndo_start_xmit = usblib_start_xmit,
};

void calledlib_attach(struct net_device *dev);
void vsec_notify(struct net_device *dev);

static int usbdev_probe(struct usb_interface *intf, const struct usb_device_id *id)
{
	calledlib_attach(0);
	vsec_notify(0);
	return 0;
}

static struct usb_driver usbdev_driver = {
	.probe = usbdev_probe,
};
`;

const CALLEDLIB = `/* A library hardware drivers call, with a transmit function of its own. */
#include <linux/netdevice.h>

static netdev_tx_t calledlib_xmit(struct sk_buff *skb, struct net_device *dev)
{
	return NETDEV_TX_OK;
}

static const struct net_device_ops calledlib_netdev_ops = {
	.ndo_start_xmit = calledlib_xmit,
};

void calledlib_attach(struct net_device *dev)
{
	dev->netdev_ops = &calledlib_netdev_ops;
}
`;

const VSEC = `/* A virtual device that ip link add makes, which a NIC's offload tells of events. */
#include <linux/netdevice.h>

static netdev_tx_t vsec_xmit(struct sk_buff *skb, struct net_device *dev)
{
	return NETDEV_TX_OK;
}

static const struct net_device_ops vsec_netdev_ops = {
	.ndo_start_xmit = vsec_xmit,
};

void vsec_notify(struct net_device *dev)
{
}

static int vsec_newlink(struct net_device *dev)
{
	dev->netdev_ops = &vsec_netdev_ops;
	return 0;
}

static struct rtnl_link_ops vsec_link_ops = {
	.newlink = vsec_newlink,
};
`;

describe('netpaths drivers as text', () => {
  let work: string;
  let list: DriverSummary[];
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'netpaths-table-'));
    const root = join(work, 'linux');
    cpSync(join(__dirname, '../fixtures/kernel-paths'), root, { recursive: true });
    writeFileSync(join(root, 'drivers/net/vlink.c'), VLINK);
    writeFileSync(join(root, 'drivers/net/calledlib.c'), CALLEDLIB);
    writeFileSync(join(root, 'drivers/net/vsec.c'), VSEC);
    mkdirSync(join(root, 'drivers/net/usb'));
    writeFileSync(join(root, 'drivers/net/usb/Makefile'), 'obj-m += usblib.o usbdev.o\n');
    writeFileSync(join(root, 'drivers/net/usb/usblib.c'), USBLIB);
    writeFileSync(join(root, 'drivers/net/usb/usbdev.c'), USBDEV);
    const readText = (path: string): string | undefined => {
      try {
        return readFileSync(join(root, path), 'utf8');
      } catch {
        return undefined;
      }
    };
    const { graph } = await buildIndex({ root, cacheDir: join(work, 'cache'), workers: 2 });
    list = listDrivers(new PresetContext(graph, readText));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const kind = (name: string) => list.find((d) => d.name === name)?.device;

  it('counts a driver with an interrupt, its own or through a bus, as hardware', () => {
    assert.equal(kind('acme'), 'hardware');
    assert.equal(kind('busnet'), 'hardware', 'its interrupt is the bus’s');
    assert.equal(kind('vringnet'), 'hardware', 'its interrupt comes through the transport');
  });

  it('counts a driver a bus hands its devices to as hardware, and a library of such drivers', () => {
    assert.equal(kind('usbdev'), 'hardware', 'a probe callback of a bus driver');
    assert.equal(kind('usblib'), 'hardware', 'its transmit function is usbdev’s');
  });

  it('counts a library a hardware driver calls as hardware', () => {
    assert.equal(kind('calledlib'), 'hardware');
  });

  it('counts a driver with neither an interrupt nor a device from a bus as virtual', () => {
    assert.equal(kind('vlink'), 'virtual');
    assert.equal(kind('vsec'), 'virtual', 'ip link add makes it, though a NIC calls it');
  });

  it('fits 100 columns, hardware first, virtual devices in a section of their own', () => {
    const text = formatDriverTable(list);
    const lines = text.split('\n');
    for (const line of lines) assert.ok(line.length <= TABLE_WIDTH, `${line.length}: ${line}`);
    const hardwareAt = lines.findIndex((l) => l.startsWith('Hardware drivers ('));
    const virtualAt = lines.findIndex((l) => l.startsWith('Virtual devices ('));
    assert.ok(hardwareAt === 0 && virtualAt > hardwareAt, text);
    const row = (name: string): number => lines.findIndex((l) => l.startsWith(`${name} `));
    assert.ok(row('acme') > hardwareAt && row('acme') < virtualAt);
    assert.ok(row('usbdev') > hardwareAt && row('usbdev') < virtualAt);
    assert.ok(row('vlink') > virtualAt);
    assert.match(
      text,
      /^\d+ of \d+ Ethernet drivers \(drivers\/net\/ethernet\) have a complete ingress path/m,
    );
    // The routes column counts the routes each driver draws completely; the last line counts each route's drivers.
    const acme = list.find((d) => d.name === 'acme');
    assert.ok(acme);
    const cells = lines[row('acme')]?.split(/\s+/) ?? [];
    assert.equal(cells[3], `${acme.routes.length}/${ROUTES.length}`, lines[row('acme')]);
    const counts = ROUTES.map(
      (r) => `${r.id} ${list.filter((d) => d.routes.includes(r.id)).length}`,
    ).join(', ');
    assert.ok(text.replace(/\n/g, ' ').includes(counts), text);
  });

  it('groups the hardware by family, Ethernet first, each family and section by name', () => {
    const row = (name: string, dir: string, device: 'hardware' | 'virtual'): DriverSummary => ({
      name,
      dir,
      irq: [],
      poll: [],
      xmit: [],
      refill: [],
      txClean: [],
      ingress: 'complete',
      egress: 'complete',
      routes: ['tcp4'],
      why: '',
      aliases: [],
      device,
    });
    const text = formatDriverTable([
      row('zcan', 'drivers/net/can/z', 'hardware'),
      row('sb1000', 'drivers/net', 'hardware'),
      row('ixgbe', 'drivers/net/ethernet/intel/ixgbe', 'hardware'),
      row('veth', 'drivers/net', 'virtual'),
      row('e1000e', 'drivers/net/ethernet/intel/e1000e', 'hardware'),
      row('iwlwifi', 'drivers/net/wireless/intel/iwlwifi', 'hardware'),
      row('bonding', 'drivers/net/bonding', 'virtual'),
    ]);
    const lines = text.split('\n');
    const at = (start: string): number => lines.findIndex((l) => l.startsWith(start));
    const order = [
      'Hardware drivers (5)',
      'Ethernet (2)',
      'e1000e ',
      'ixgbe ',
      'Wireless LAN (1)',
      'iwlwifi ',
      'CAN (1)',
      'zcan ',
      'Other hardware (1)',
      'sb1000 ',
      'Virtual devices (2)',
      'bonding ',
      'veth ',
    ].map(at);
    assert.ok(
      order.every((i) => i >= 0),
      text,
    );
    assert.deepEqual(
      order,
      [...order].sort((x, y) => x - y),
      text,
    );
  });

  it('cuts long names and wraps long reasons instead of writing past the edge', () => {
    const long: DriverSummary = {
      name: 'a_driver_with_a_very_long_module_name',
      dir: 'drivers/net/ethernet/x',
      irq: ['drivers/net/ethernet/x/x.c:an_interrupt_handler_with_a_long_name', 'x.c:b', 'x.c:c'],
      poll: ['drivers/net/ethernet/x/x.c:a_poll_function_with_a_long_name'],
      xmit: ['drivers/net/ethernet/x/x.c:a_transmit_function_with_a_long_name'],
      refill: [],
      txClean: [],
      ingress: 'partial',
      egress: 'complete',
      routes: [],
      why: `ingress: ${'no path from here to there because of reasons '.repeat(12)}; egress: fine`,
      aliases: [],
      device: 'hardware',
    };
    const lines = formatDriverTable([long]).split('\n');
    for (const line of lines) assert.ok(line.length <= TABLE_WIDTH, `${line.length}: ${line}`);
    assert.ok(lines.some((l) => l.startsWith('a_driver_with_a…')));
    assert.ok(lines.some((l) => l.includes('an_interrupt_handle…')));
    const reasons = lines.filter((l) => l.startsWith('    '));
    assert.ok(reasons.length >= 6, reasons.join('\n'));
    assert.equal(reasons.at(-1), '    egress: fine');
  });
});
