/**
 * REDIS_URL in cluster mode: one or more comma-separated seed URLs of one scheme (TLS is
 * all or nothing), each a host without a database (a cluster has only database 0). The
 * embedded Redis is one node, not a cluster; several URLs without cluster mode are refused
 * rather than the first one used silently.
 */
export function clusterUrlProblems(url: string | undefined, cluster: boolean): Array<[string, string]> {
  if (!cluster) {
    return url?.includes(',')
      ? [['REDIS_URL', 'several comma-separated URLs are seed nodes of a Redis Cluster: set STREAMGATE_REDIS_CLUSTER=true, or give one URL']]
      : [];
  }
  if (url === undefined) {
    return [['STREAMGATE_REDIS_CLUSTER', 'needs REDIS_URL (one or more seed nodes of the cluster): the embedded Redis is a single node, not a cluster']];
  }
  const seeds = url.split(',').map((s) => s.trim());
  const problems: Array<[string, string]> = [];
  for (const seed of seeds) {
    const parsed = /^(rediss?):\/\/([^/?#]*)(\/[^?#]*)?$/.exec(seed);
    if (!parsed) problems.push(['REDIS_URL', `seed "${redactSeed(seed)}" must be redis://[user:password@]host:port or rediss://...`]);
    else if (parsed[2] === '' || parsed[2]!.endsWith('@')) problems.push(['REDIS_URL', `seed "${redactSeed(seed)}" has no host`]);
    else if (parsed[3] !== undefined && parsed[3] !== '/' && parsed[3] !== '/0') {
      problems.push(['REDIS_URL', `seed "${redactSeed(seed)}" names a database: a Redis Cluster has only database 0`]);
    }
  }
  if (new Set(seeds.map((s) => s.split(':', 1)[0])).size > 1) {
    problems.push(['REDIS_URL', 'seed nodes mix redis:// and rediss://: use one scheme for the whole cluster']);
  }
  return problems;
}

/** A seed as an error message may show it: without its password. */
const redactSeed = (seed: string): string => seed.replace(/(:\/\/[^:/@]*:)[^@/]*@/, '$1***@');
