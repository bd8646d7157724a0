// The stylesheets every e-services page of the office needs (the portal's pieces it borrows included).
import '../../portal/reports/reports.css';
import '../../portal/eservices/eservices.css';
import '../reports/reports.css';
import './eservices.css';
