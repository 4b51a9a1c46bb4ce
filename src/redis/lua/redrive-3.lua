--[[ redrive-3: move dead letters of a group back to their source stream as new entries.
The original fields are republished (the five x-* fields dead-lettering appended are
removed, and the x-reason a term appended after them, nothing else) and the dead letter is
deleted, in one atomic step.

KEYS[1] source stream
KEYS[2] dead-letter stream
KEYS[3] record of what was redriven (keys.redriven of the source)
ARGV[1] group
ARGV[2] most dead-letter entries to read while looking (scan limit)
ARGV[3] most entries to redrive
ARGV[4] how long (ms) a redriven x-original-id is remembered
ARGV[5..] dead-letter entry IDs to redrive; none: the oldest entries of this group

Only entries whose x-group is the group and x-original-stream the source are taken.
Duplicates (a dead-letter move across Cluster slots cut short between its two steps wrote
two dead letters of one entry): a dead letter whose x-original-id was redriven already, in
this call or in one of the last ARGV[4] ms (KEYS[3]), is deleted and not republished; it
does not count in ARGV[3].
Returns {redriven dead-letter IDs, their new IDs in the source stream}; {{}, {}} when the
dead-letter stream does not exist
Errors: WRONGTYPE (the dead-letter key, or the source key, holds another type)
]]
local source, dlq, group = KEYS[1], KEYS[2], ARGV[1]
local limit, want = tonumber(ARGV[2]), tonumber(ARGV[3])
if sg_stream_or_none(dlq) == 'none' then return { {}, {} } end
local redriven, remember = sg_redriven(KEYS[3], tonumber(ARGV[4]))

local from, to = {}, {}
local function redrive(entry)
  local kept, original = sg_dead_letter_original(entry[2], source, group)
  if kept == nil or #kept == 0 then return end
  if not redriven(group, original) then
    to[#to + 1] = redis.call('XADD', source, '*', unpack(kept))
    from[#from + 1] = entry[1]
    remember(group, original)
  end
  redis.call('XDEL', dlq, entry[1])
end

if #ARGV > 4 then
  for i = 5, #ARGV do
    local entry = redis.call('XRANGE', dlq, ARGV[i], ARGV[i])[1]
    if entry then redrive(entry) end
  end
else
  local start, scanned = '-', 0
  while #from < want and scanned < limit do
    local page = redis.call('XRANGE', dlq, start, '+', 'COUNT', math.min(100, limit - scanned))
    if #page == 0 then break end
    for _, entry in ipairs(page) do
      scanned = scanned + 1
      if #from < want then redrive(entry) end
      start = '(' .. entry[1]
    end
  end
end
return { from, to }
