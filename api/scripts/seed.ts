// Seeds demo data once. Usage: tsx api/scripts/seed.ts (DATABASE_URL or PGLITE_DIR).
import { loadApiConfig } from '../src/config.js';
import { openDatabase } from '../src/repositories/db/client.js';
import { seedDemoData } from '../src/seed/demo-data.js';
import { seedDemoPartnerships } from '../src/seed/demo-partnerships.js';
import { seedDemoAds } from '../src/seed/demo-ads.js';

const config = loadApiConfig();
const db = await openDatabase(config.database, 1);
try {
  const { seeded } = await seedDemoData(db.prisma);
  if (seeded) {
    await seedDemoPartnerships(db);
    await seedDemoAds(db);
  }
  process.stdout.write(seeded ? 'demo data seeded\n' : 'demo data already present\n');
} finally {
  await db.close();
}
