--[[ trim-1: trim a stream, plainly or safely.

The floor is the lowest ID some consumer group still needs: over all groups, the lower of
the group's oldest pending ID and the ID just after its last delivered one. Entries below
the floor were delivered to every group and acked; a stream without groups has no floor.

KEYS[1] stream
ARGV[1] 'MAXLEN' or 'MINID', ARGV[2] '=' (exact) or '~' (whole nodes only), ARGV[3] threshold
ARGV[4] '1' for a safe trim: never remove entries at or above the floor

Returns {trimmed, cut, floor}: cut is 1 when a plain trim removed entries at or above
the floor (still pending or not yet delivered to some group); floor is '' without groups.
Errors: NOSTREAM, WRONGTYPE
]]
local stream = KEYS[1]
local strategy, op, threshold, safe = ARGV[1], ARGV[2], ARGV[3], ARGV[4] == '1'
sg_stream(stream)

local floor = nil
for _, g in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
  local name = sg_field(g, 'name')
  local needed = sg_next_id(sg_field(g, 'last-delivered-id'))
  local summary = redis.call('XPENDING', stream, name)
  if summary[1] > 0 and sg_cmp_id(summary[2], needed) < 0 then needed = summary[2] end
  if floor == nil or sg_cmp_id(needed, floor) < 0 then floor = needed end
end

if floor == nil or not safe then
  local first_needed = nil
  if floor ~= nil then
    local e = redis.call('XRANGE', stream, floor, '+', 'COUNT', 1)[1]
    if e then first_needed = e[1] end
  end
  local trimmed = redis.call('XTRIM', stream, strategy, op, threshold)
  local cut = 0
  if first_needed ~= nil and trimmed > 0 then
    local head = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
    if head == nil or sg_cmp_id(head[1], first_needed) > 0 then cut = 1 end
  end
  return { trimmed, cut, floor or '' }
end

if strategy == 'MINID' then
  local bound = threshold
  if sg_cmp_id(floor, bound) < 0 then bound = floor end
  return { redis.call('XTRIM', stream, 'MINID', op, bound), 0, floor }
end

-- MAXLEN: trimming to the length is safe when the entries it would remove (the oldest
-- `excess`) are all below the floor; otherwise trim at the floor instead.
local max_len = tonumber(threshold)
local excess = redis.call('XLEN', stream) - max_len
if excess <= 0 then return { 0, 0, floor } end
local below = #redis.call('XRANGE', stream, '-', '(' .. floor, 'COUNT', excess)
if below >= excess then
  return { redis.call('XTRIM', stream, 'MAXLEN', op, max_len), 0, floor }
end
return { redis.call('XTRIM', stream, 'MINID', op, floor), 0, floor }
