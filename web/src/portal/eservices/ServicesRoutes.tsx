/**
 * Administrative e-services in the portal (/services/…): one lazy chunk with its own messages
 * (i18n area `services`), loaded on the way there; MapLibre comes only with an address field's map.
 */
import '../reports/reports.css';
import './eservices.css';
import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../shared/page';
import { ApplyPage } from './ApplyPage';
import { CatalogPage } from './CatalogPage';
import { MyRequestsPage } from './MyRequestsPage';
import { ProcedurePage } from './ProcedurePage';
import { ReceiptPage } from './ReceiptPage';
import { RequestPage } from './RequestPage';

export default function ServicesRoutes() {
  return (
    <Routes>
      <Route index element={<CatalogPage />} />
      <Route path="mine" element={<MyRequestsPage />} />
      <Route path="requests/:number" element={<RequestPage />} />
      <Route path="requests/:number/receipt" element={<ReceiptPage />} />
      <Route path=":code" element={<ProcedurePage />} />
      <Route path=":code/apply" element={<ApplyPage />} />
      <Route path="*" element={<NotFoundPage home="/services" />} />
    </Routes>
  );
}
