/** The signed-in office's pages, each behind the permission it needs (a chunk of its own). */
import { Link, Route, Routes } from 'react-router';
import { loadArea, useT } from '../shared/i18n';
import { lazyRetry } from '../shared/lazy';
import { NotFoundPage } from '../shared/page';
import { AnnouncementEditor, AnnouncementsPage } from './AnnouncementsPage';
import { AuditPage } from './AuditPage';
import { DepartmentsPage } from './DepartmentsPage';
import { OfficeHome } from './OfficeHome';
import { OfficeEditor, OfficesPage } from './OfficesPage';
import { PERMISSIONS, useSession } from './session';
import { UsersPage } from './UsersPage';

// Reports, work orders, categories and the outbox load when first opened (the map only with a map).
const ReportsQueuePage = lazyRetry(async () => ({ default: (await import('./reports/ReportsQueuePage')).ReportsQueuePage }));
const ReportPage = lazyRetry(async () => ({ default: (await import('./reports/ReportPage')).ReportPage }));
const CategoriesPage = lazyRetry(async () => ({ default: (await import('./reports/CategoriesPage')).CategoriesPage }));
const CategoryEditor = lazyRetry(async () => ({ default: (await import('./reports/CategoriesPage')).CategoryEditor }));
const WorkOrdersPage = lazyRetry(async () => ({ default: (await import('./workorders/WorkOrdersPage')).WorkOrdersPage }));
const WorkOrderPage = lazyRetry(async () => ({ default: (await import('./workorders/WorkOrderPage')).WorkOrderPage }));
const OutboxPage = lazyRetry(async () => ({ default: (await import('./outbox/OutboxPage')).OutboxPage }));
// E-services: their pages and their messages (the `services` area, shared with the portal's pages).
const eservices = <K extends string>(load: () => Promise<Record<K, React.ComponentType>>, name: K) =>
  lazyRetry(async () => ({ default: (await Promise.all([load(), loadArea('services')]))[0][name] }));
const EsQueuePage = eservices(() => import('./eservices/QueuePage'), 'QueuePage');
const EsRequestPage = eservices(() => import('./eservices/RequestPage'), 'RequestPage');
const EsCatalogPage = eservices(() => import('./eservices/CatalogPage'), 'CatalogPage');
const EsProcedureEditor = eservices(() => import('./eservices/ProcedureEditor'), 'ProcedureEditor');
const EsCounterPage = eservices(() => import('./eservices/CounterPage'), 'CounterPage');
const EsIndicatorsPage = eservices(() => import('./eservices/IndicatorsPage'), 'IndicatorsPage');
const EsHolidaysPage = eservices(() => import('./eservices/HolidaysPage'), 'HolidaysPage');
// The GIS pages and their messages (the `gis` area); the map editor is a chunk of its own inside.
const gis = <K extends string>(load: () => Promise<Record<K, React.ComponentType>>, name: K) =>
  lazyRetry(async () => ({ default: (await Promise.all([load(), loadArea('gis')]))[0][name] }));
const GisLayersPage = gis(() => import('./gis/LayersPage'), 'LayersPage');
const GisLayerForm = gis(() => import('./gis/LayerForm'), 'LayerForm');
const GisLayerPage = gis(() => import('./gis/LayerPage'), 'LayerPage');
// Public lighting's map, lamp list and energy, with their messages (the `lighting` area).
const lightingPage = <K extends string>(load: () => Promise<Record<K, React.ComponentType>>, name: K) =>
  lazyRetry(async () => ({ default: (await Promise.all([load(), loadArea('lighting')]))[0][name] }));
const LightingMapPage = lightingPage(() => import('./lighting/MapPage'), 'MapPage');
const LightingInventoryPage = lightingPage(() => import('./lighting/InventoryPage'), 'InventoryPage');
const LightingEnergyPage = lightingPage(() => import('./lighting/EnergyPage'), 'EnergyPage');
const LightingSchedulePage = lightingPage(() => import('./lighting/SchedulePage'), 'SchedulePage');

export function OfficeRoutes() {
  return (
    <Routes>
      <Route index element={<OfficeHome />} />
      <Route path="announcements" element={<Guard permission={PERMISSIONS.announcements} element={<AnnouncementsPage />} />} />
      <Route path="announcements/new" element={<Guard permission={PERMISSIONS.announcements} element={<AnnouncementEditor />} />} />
      <Route path="announcements/:id" element={<Guard permission={PERMISSIONS.announcements} element={<AnnouncementEditor />} />} />
      <Route path="offices" element={<Guard permission={PERMISSIONS.offices} element={<OfficesPage />} />} />
      <Route path="offices/new" element={<Guard permission={PERMISSIONS.offices} element={<OfficeEditor />} />} />
      <Route path="offices/:id" element={<Guard permission={PERMISSIONS.offices} element={<OfficeEditor />} />} />
      <Route path="users" element={<Guard permission={PERMISSIONS.usersRead} element={<UsersPage />} />} />
      <Route path="departments" element={<Guard permission={PERMISSIONS.departmentsRead} element={<DepartmentsPage />} />} />
      <Route path="audit" element={<Guard permission={PERMISSIONS.audit} element={<AuditPage />} />} />
      <Route path="reports" element={<Guard permission={PERMISSIONS.reportsRead} element={<ReportsQueuePage />} />} />
      <Route path="reports/:id" element={<Guard permission={PERMISSIONS.reportsRead} element={<ReportPage />} />} />
      <Route path="workorders" element={<Guard permission={PERMISSIONS.workOrdersRead} element={<WorkOrdersPage />} />} />
      <Route path="workorders/:id" element={<Guard permission={PERMISSIONS.workOrdersRead} element={<WorkOrderPage />} />} />
      <Route path="categories" element={<Guard permission={PERMISSIONS.categories} element={<CategoriesPage />} />} />
      <Route path="categories/new" element={<Guard permission={PERMISSIONS.categories} element={<CategoryEditor />} />} />
      <Route path="categories/:id" element={<Guard permission={PERMISSIONS.categories} element={<CategoryEditor />} />} />
      <Route path="outbox" element={<Guard permission={PERMISSIONS.outbox} element={<OutboxPage />} />} />
      <Route path="eservices" element={<Guard permission={PERMISSIONS.eservicesRead} element={<EsQueuePage />} />} />
      <Route path="eservices/counter" element={<Guard permission={PERMISSIONS.eservicesCounter} element={<EsCounterPage />} />} />
      <Route path="eservices/catalog" element={<Guard permission={PERMISSIONS.eservicesCatalog} element={<EsCatalogPage />} />} />
      <Route path="eservices/catalog/new" element={<Guard permission={PERMISSIONS.eservicesCatalog} element={<EsProcedureEditor />} />} />
      <Route path="eservices/catalog/:id" element={<Guard permission={PERMISSIONS.eservicesCatalog} element={<EsProcedureEditor />} />} />
      <Route path="eservices/indicators" element={<Guard permission={PERMISSIONS.eservicesIndicators} element={<EsIndicatorsPage />} />} />
      <Route path="eservices/holidays" element={<Guard permission={PERMISSIONS.eservicesSettings} element={<EsHolidaysPage />} />} />
      <Route path="eservices/:id" element={<Guard permission={PERMISSIONS.eservicesRead} element={<EsRequestPage />} />} />
      <Route path="gis" element={<Guard permission={PERMISSIONS.gisLayersRead} element={<GisLayersPage />} />} />
      <Route path="gis/new" element={<Guard permission={PERMISSIONS.gisLayersManage} element={<GisLayerForm />} />} />
      <Route path="gis/layers/:code" element={<Guard permission={PERMISSIONS.gisLayersRead} element={<GisLayerPage />} />} />
      <Route path="lighting" element={<Guard permission={PERMISSIONS.lightingInventory} element={<LightingMapPage />} />} />
      <Route path="lighting/list" element={<Guard permission={PERMISSIONS.lightingInventory} element={<LightingInventoryPage />} />} />
      <Route path="lighting/energy" element={<Guard permission={PERMISSIONS.lightingEnergy} element={<LightingEnergyPage />} />} />
      <Route path="lighting/schedules" element={<Guard permission={PERMISSIONS.lightingSchedules} element={<LightingSchedulePage />} />} />
      <Route path="*" element={<NotFoundPage home="/office" />} />
    </Routes>
  );
}

function Guard({ permission, element }: { permission: string; element: React.ReactElement }) {
  const { can } = useSession();
  return can(permission) ? element : <Forbidden />;
}

function Forbidden() {
  const t = useT();
  return (
    <section>
      <h1>{t('office.forbidden.title')}</h1>
      <p>{t('office.forbidden.detail')}</p>
      <Link className="button button-secondary" to="/office">
        {t('office.nav.home')}
      </Link>
    </section>
  );
}
