// The peer: a bare Fastify process with one route, started the same way as Madina
// (`node --import tsx`), so what Madina adds on top of process start + Fastify shows beside it.
import Fastify from 'fastify';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('bare-fastify: set PORT');
  process.exit(2);
}

const app = Fastify({ logger: false });
app.get('/', async () => ({ status: 'ok', service: 'bare-fastify' }));
await app.listen({ port, host: '127.0.0.1' });

const shutdown = () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
