--[[ groupStats-2: what /metrics shows of one stream and its groups, read in one step.

KEYS[1] stream
KEYS[2] policy hash of the stream
ARGV[1] staleMs: a consumer idle longer than this while it holds pending entries is stale
ARGV[2] maxGroups: most groups described (in XINFO GROUPS order, by name)

Returns {} when the key is missing or not a stream; else
  {length, groupCount, name, lag, pending, oldestIdleMs, consumers, stale, policy, ...}
  flat, seven values per group described (at most maxGroups; groupCount counts them all):
  lag          XINFO GROUPS lag, -1 when Redis reports it null (it cannot tell: see api.md)
  oldestIdleMs idle time of the pending entry with the lowest ID, -1 when none is pending
  stale        consumers idle longer than staleMs holding at least one pending entry
  policy       the group's stored policy JSON (the core reads its deadLetterStream), '' if none
Errors: WRONGTYPE when the policy key holds another type
Cost: XINFO GROUPS, then per group XINFO CONSUMERS (O(consumers)) and XPENDING - + 1
]]
if redis.call('TYPE', KEYS[1])['ok'] ~= 'stream' then return {} end
local staleMs = tonumber(ARGV[1])
local maxGroups = tonumber(ARGV[2])
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
local out = {redis.call('XLEN', KEYS[1]), #groups}
local field = function(flat, name)
  for i = 1, #flat, 2 do
    if flat[i] == name then return flat[i + 1] end
  end
  return false
end
for g = 1, math.min(#groups, maxGroups) do
  local info = groups[g]
  local name = field(info, 'name')
  local lag = field(info, 'lag')
  local pending = field(info, 'pending')
  local oldest = -1
  if pending > 0 then
    local first = redis.call('XPENDING', KEYS[1], name, '-', '+', 1)
    if first[1] then oldest = first[1][3] end
  end
  local consumers = redis.call('XINFO', 'CONSUMERS', KEYS[1], name)
  local stale = 0
  for c = 1, #consumers do
    local idle = field(consumers[c], 'idle')
    if field(consumers[c], 'pending') > 0 and idle > staleMs then stale = stale + 1 end
  end
  out[#out + 1] = name
  out[#out + 1] = lag or -1
  out[#out + 1] = pending
  out[#out + 1] = oldest
  out[#out + 1] = #consumers
  out[#out + 1] = stale
  out[#out + 1] = redis.call('HGET', KEYS[2], name) or ''
end
return out
