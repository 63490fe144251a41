// Registers the engine services of transfer.bpmn and transfer-in.bpmn (one line in services.ts).
import type { ServiceRegistry } from '../engine/types.ts';
import type { TransferDeps } from './context.ts';
import { registerTransferOutServices } from './out-services.ts';
import { registerTransferInServices } from './in-services.ts';
import { registerReceiptServices } from './receipt-services.ts';

export function registerTransferServices(registry: ServiceRegistry, deps: TransferDeps): void {
  registerTransferOutServices(registry, deps);
  registerReceiptServices(registry, deps);
  registerTransferInServices(registry, deps);
  registry.receives('awaitReceipt', '回执：纸质登记或接收方在系统中签收 / the receipt, on paper or signed in Dangan');
  registry.receives('returnedDefective', '退回：接收方退回不合格档案 / the receiver returns a defective archive');
}
