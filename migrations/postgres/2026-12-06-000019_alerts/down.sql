DROP TABLE notifications;
DROP TABLE alert_settings;
