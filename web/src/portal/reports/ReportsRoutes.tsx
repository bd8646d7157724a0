/**
 * Citizen reports in the portal (/reports/…): one lazy chunk, so the portal's home does not carry
 * it; MapLibre is a further lazy chunk that comes only with a map (never on the form's first step).
 */
import './reports.css';
import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../shared/page';
import { MyReportsPage } from './MyReportsPage';
import { NewReportRoute } from './NewReportPage';
import { ReportListPage } from './ReportListPage';
import { ReportPage } from './ReportPage';
import { SentPage } from './SentPage';

export default function ReportsRoutes() {
  return (
    <Routes>
      <Route index element={<ReportListPage />} />
      <Route path="new" element={<NewReportRoute />} />
      <Route path="mine" element={<MyReportsPage />} />
      <Route path=":number" element={<ReportPage />} />
      <Route path=":number/sent" element={<SentPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
