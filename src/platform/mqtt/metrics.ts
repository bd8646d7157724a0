import client from 'prom-client';

/** The telemetry layer's Prometheus metrics, in a registry of their own that `/metrics` appends. */
export function createTelemetryMetrics() {
  const registry = new client.Registry();
  const registers = [registry];
  return {
    registry,
    received: new client.Counter({
      name: 'madina_telemetry_received_total',
      help: 'MQTT messages the ingestion received, by the kind their topic names',
      labelNames: ['kind'] as const,
      registers,
    }),
    stored: new client.Counter({
      name: 'madina_telemetry_stored_total',
      help: 'Readings written to the database, by device kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    duplicates: new client.Counter({
      name: 'madina_telemetry_duplicates_total',
      help: 'Readings already stored (a redelivered message: same device and observation time), by device kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    rejected: new client.Counter({
      name: 'madina_telemetry_rejected_total',
      help: 'Messages refused (dead letters, and floods past the rate limit), by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    deadLetters: new client.Counter({
      name: 'madina_telemetry_dead_letters_total',
      help: 'Rows written to platform.dead_letter, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    batchSeconds: new client.Histogram({
      name: 'madina_telemetry_batch_seconds',
      help: 'Time to write one ingestion batch (one transaction), retries included',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    batchMessages: new client.Histogram({
      name: 'madina_telemetry_batch_messages',
      help: 'Messages per ingestion batch',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
      registers,
    }),
    pending: new client.Gauge({
      name: 'madina_telemetry_pending_messages',
      help: 'Messages received and not yet acknowledged (waiting for their batch to commit)',
      registers,
    }),
    writeErrors: new client.Counter({
      name: 'madina_telemetry_write_errors_total',
      help: 'Failed batch writes, by what happened next (retry: the database is unreachable; partition: a month was missing and was created; split: written message by message)',
      labelNames: ['action'] as const,
      registers,
    }),
    ingestionConnected: new client.Gauge({
      name: 'madina_mqtt_ingestion_connected',
      help: '1 while the ingestion is connected to the broker and subscribed',
      registers,
    }),
    ingestionConnects: new client.Counter({
      name: 'madina_mqtt_ingestion_connects_total',
      help: 'Times the ingestion connected (or reconnected) to the broker',
      registers,
    }),
    brokerClients: new client.Gauge({
      name: 'madina_mqtt_broker_devices_connected',
      help: 'Devices connected to the embedded broker',
      registers,
    }),
    connectRefused: new client.Counter({
      name: 'madina_mqtt_connect_refused_total',
      help: 'CONNECTs the embedded broker refused, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    publishRefused: new client.Counter({
      name: 'madina_mqtt_publish_refused_total',
      help: 'PUBLISHes the embedded broker refused (the device is disconnected), by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    subscribeRefused: new client.Counter({
      name: 'madina_mqtt_subscribe_refused_total',
      help: 'SUBSCRIBEs the embedded broker refused (a device may subscribe to its own commands only)',
      registers,
    }),
  };
}

export type TelemetryMetrics = ReturnType<typeof createTelemetryMetrics>;
