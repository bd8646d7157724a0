/**
 * Work orders: the shared unit of field work, under `/api/v1/workorders`. Reports (and later
 * telemetry alarms and inspections) create them through `createWorkOrder` and learn of their
 * progress through `onWorkOrderEvent`; staff plan and assign them; technicians and contractors
 * complete them in the field with a note, a place and photos. A contractor sees only its own.
 */
import { definePermissions } from '../../platform/auth/permissions.js';

definePermissions({
  'workorders.orders.read': ['supervisor', 'agent', 'technician', 'inspector', 'contractor', 'viewer'],
  'workorders.orders.manage': ['supervisor', 'agent'],
  'workorders.orders.complete': ['supervisor', 'agent', 'technician', 'contractor'],
});

export type { Point, Priority, WorkOrderRow } from './workorders.repository.js';
export { workOrdersRoutes as workOrdersModule } from './workorders.routes.js';
export {
  changeWorkOrder,
  createWorkOrder,
  findWorkOrderBySource,
  linkWorkOrderSource,
  onWorkOrderEvent,
  type Source,
  type WorkOrderEvent,
  type WorkOrderInput,
} from './workorders.service.js';
