package io.shardkv.driver.protocol;

import io.shardkv.driver.routing.Served;
import io.shardkv.driver.routing.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Converts between typed {@link Message}s and {@link Frame} payloads, in the layouts documented in
 * {@code docs/protocol.md}. Stateless and thread-safe.
 */
public final class MessageCodec {
  private MessageCodec() {}

  /** The frame carrying {@code message} under {@code requestId}. */
  public static Frame encode(long requestId, Message message) {
    PayloadWriter w = new PayloadWriter();
    if (message instanceof Request r) {
      writeRequest(r, w);
    } else if (message instanceof Response r) {
      writeResponse(r, w);
    } else if (message instanceof ProtocolError e) {
      w.u8(e.status().code()).string(e.message());
    }
    return new Frame(message.frameType(), requestId, w.toByteArray());
  }

  /** Parses the frame's payload; a payload that does not match its type's layout is rejected. */
  public static Message decode(Frame frame) throws FrameException {
    PayloadReader r = new PayloadReader(frame);
    FrameType t = frame.type();
    Message m;
    if (t == FrameType.ERROR) {
      Status s = status(r);
      if (s == Status.OK) throw r.malformed("an ERROR frame cannot carry status OK");
      m = new ProtocolError(s, r.string("message"));
    } else if (t.isReply()) {
      m = readResponse(t.requestType(), r);
    } else {
      m = readRequest(t, r);
    }
    r.end();
    return m;
  }

  private static void writeRequest(Request req, PayloadWriter w) {
    if (req instanceof Request.Get g) {
      w.i64(g.clientId()).i64(g.seq()).string(g.key());
    } else if (req instanceof Request.Put p) {
      w.i64(p.clientId()).i64(p.seq()).string(p.key()).string(p.value());
    } else if (req instanceof Request.Append a) {
      w.i64(a.clientId()).i64(a.seq()).string(a.key()).string(a.value());
    } else if (req instanceof Request.Cas c) {
      w.i64(c.clientId()).i64(c.seq()).string(c.key()).optionalString(c.expected()).string(c.value());
    } else if (req instanceof Request.Delete d) {
      w.i64(d.clientId()).i64(d.seq()).string(d.key());
    } else if (req instanceof Request.Scan sc) {
      w.i32(sc.shard()).string(sc.prefix()).optionalString(sc.after()).i32(sc.limit());
    } else if (req instanceof Request.Join j) {
      w.i64(j.clientId()).i64(j.seq());
      writeGroups(j.groups(), w);
    } else if (req instanceof Request.Leave l) {
      w.i64(l.clientId()).i64(l.seq()).i32(l.groupIds().size());
      l.groupIds().forEach(w::i32);
    } else if (req instanceof Request.Move mv) {
      w.i64(mv.clientId()).i64(mv.seq()).i32(mv.shard()).i32(mv.groupId());
    } else if (req instanceof Request.Query q) {
      w.i64(q.configNum());
    } else if (req instanceof Request.PeerHello h) {
      w.i32(h.nodeId());
    } else if (req instanceof Request.PeerMessage pm) {
      w.bytes(pm.bytes());
    }
    // NodeStatus and Ping have empty payloads.
    if (req.askServed()) w.u8(FLAG_ASK_SERVED);
  }

  /** §5.6: the optional trailing flags byte of GET/PUT/APPEND/CAS/DELETE; bit 0 asks for the served entry. */
  static final int FLAG_ASK_SERVED = 1;
  /** §5.6: the marker byte that starts a reply's optional served trailer. */
  static final int SERVED_MARKER = 1;

  /** Reads the optional trailing flags byte of a key-value request: true when it asks for the served entry. */
  private static boolean askServed(PayloadReader r) throws FrameException {
    if (!r.hasRemaining()) return false;
    int flags = r.u8("flags");
    if (flags != FLAG_ASK_SERVED) {
      throw r.malformed("request flags " + flags + " unknown (only 1 = ask for the served entry is defined)");
    }
    return true;
  }

  private static boolean servable(FrameType requestType) {
    return switch (requestType) {
      case GET, PUT, APPEND, CAS, DELETE -> true;
      default -> false;
    };
  }

  private static Request readRequest(FrameType t, PayloadReader r) throws FrameException {
    switch (t) {
      case GET: return new Request.Get(r.i64("clientId"), r.i64("seq"), r.string("key"), askServed(r));
      case PUT:
        return new Request.Put(r.i64("clientId"), r.i64("seq"), r.string("key"), r.string("value"), askServed(r));
      case APPEND:
        return new Request.Append(r.i64("clientId"), r.i64("seq"), r.string("key"), r.string("value"), askServed(r));
      case CAS:
        return new Request.Cas(r.i64("clientId"), r.i64("seq"), r.string("key"),
            r.optionalString("expected"), r.string("value"), askServed(r));
      case DELETE: return new Request.Delete(r.i64("clientId"), r.i64("seq"), r.string("key"), askServed(r));
      case SCAN: {
        int shard = r.i32("shard");
        String prefix = r.string("prefix");
        String after = r.optionalString("after");
        int limit = r.i32("limit");
        if (shard < 0) throw r.malformed("SCAN shard " + shard + " is negative");
        if (limit < 1) throw r.malformed("SCAN limit " + limit + " is below 1");
        return new Request.Scan(shard, prefix, after, limit);
      }
      case JOIN: return new Request.Join(r.i64("clientId"), r.i64("seq"), readGroups(r));
      case LEAVE: {
        long clientId = r.i64("clientId");
        long seq = r.i64("seq");
        int n = r.count("groupIds", 4);
        List<Integer> gids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) gids.add(r.i32("groupId"));
        return new Request.Leave(clientId, seq, gids);
      }
      case MOVE: return new Request.Move(r.i64("clientId"), r.i64("seq"), r.i32("shard"), r.i32("groupId"));
      case FORCE_MOVE:
        return new Request.Move(r.i64("clientId"), r.i64("seq"), r.i32("shard"), r.i32("groupId"), true);
      case QUERY: return new Request.Query(r.i64("configNum"));
      case STATUS: return new Request.NodeStatus();
      case PING: return new Request.Ping();
      case PEER_HELLO: return new Request.PeerHello(r.i32("nodeId"));
      case PEER_MESSAGE: return new Request.PeerMessage(r.bytes("bytes"));
      default: throw new AssertionError("not a request type: " + t);
    }
  }

  private static void writeResponse(Response resp, PayloadWriter w) {
    w.u8(resp.status().code());
    Result res = resp.result();
    if (res instanceof Result.Value v) {
      w.optionalString(v.value());
    } else if (res instanceof Result.LeaderHint h) {
      w.i32(h.leaderId()).string(h.address());
    } else if (res instanceof Result.GroupHint g) {
      w.i64(g.configNum());
    } else if (res instanceof Result.Text t) {
      w.string(t.message());
    } else if (res instanceof Result.Config c) {
      Configuration cfg = c.config();
      int[] shards = cfg.shardToGroup();
      w.i64(cfg.num()).i32(shards.length);
      for (int gid : shards) w.i32(gid);
      writeGroups(cfg.groups(), w);
    } else if (res instanceof Result.Page p) {
      w.i32(p.entries().size());
      p.entries().forEach((k, v) -> w.string(k).string(v));
      w.u8(p.more() ? 1 : 0);
    } else if (res instanceof Result.Info info) {
      w.i32(info.entries().size());
      info.entries().forEach((k, v) -> w.string(k).string(v));
    }
    // Result.None: nothing after the status.
    Served sv = resp.served();
    if (sv != null && servable(resp.requestType())) {
      w.u8(SERVED_MARKER).i32(sv.group()).i64(sv.term()).i64(sv.index());
    }
  }

  private static Response readResponse(FrameType requestType, PayloadReader r) throws FrameException {
    Status status = status(r);
    Class<? extends Result> kind = Response.expectedKind(requestType, status);
    Result res;
    if (kind == Result.Value.class) {
      String v = r.optionalString("value");
      if (v == null && status == Status.OK) throw r.malformed("an OK reply to GET must carry a value");
      res = new Result.Value(v);
    } else if (kind == Result.LeaderHint.class) {
      res = new Result.LeaderHint(r.i32("leaderId"), r.string("leaderAddress"));
    } else if (kind == Result.GroupHint.class) {
      res = new Result.GroupHint(r.i64("configNum"));
    } else if (kind == Result.Text.class) {
      res = new Result.Text(r.string("message"));
    } else if (kind == Result.Config.class) {
      long num = r.i64("configNum");
      int n = r.count("shards", 4);
      int[] shards = new int[n];
      for (int i = 0; i < n; i++) shards[i] = r.i32("shard group");
      res = new Result.Config(new Configuration(num, shards, readGroups(r)));
    } else if (kind == Result.Page.class) {
      int n = r.count("scan entries", 8);
      SortedMap<String, String> m = new TreeMap<>();
      String last = null;
      for (int i = 0; i < n; i++) {
        String k = r.string("scan key");
        String v = r.string("scan value");
        if (last != null && last.compareTo(k) >= 0) throw r.malformed("scan keys not in increasing order at \"" + k + "\"");
        m.put(k, v);
        last = k;
      }
      int more = r.u8("more");
      if (more > 1) throw r.malformed("scan 'more' flag " + more + " is not 0 or 1");
      res = new Result.Page(m, more == 1);
    } else if (kind == Result.Info.class) {
      int n = r.count("status entries", 8);
      SortedMap<String, String> m = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        String k = r.string("status key");
        String v = r.string("status value");
        if (m.put(k, v) != null) throw r.malformed("duplicate status key \"" + k + "\"");
      }
      res = new Result.Info(m);
    } else {
      res = Result.None.INSTANCE;
    }
    Served served = null;
    if (servable(requestType) && r.hasRemaining()) {
      int marker = r.u8("served marker");
      if (marker != SERVED_MARKER) throw r.malformed("served marker " + marker + " is not " + SERVED_MARKER);
      int group = r.i32("served group");
      long term = r.i64("served term");
      long index = r.i64("served index");
      if (group < 0 || term < 0 || index < 0) {
        throw r.malformed("served group/term/index " + group + "/" + term + "/" + index + " is negative");
      }
      served = new Served(group, term, index);
    }
    return new Response(requestType, status, res, served);
  }

  private static void writeGroups(Map<Integer, List<String>> groups, PayloadWriter w) {
    w.i32(groups.size());
    groups.forEach((gid, servers) -> {
      w.i32(gid).i32(servers.size());
      servers.forEach(w::string);
    });
  }

  private static SortedMap<Integer, List<String>> readGroups(PayloadReader r) throws FrameException {
    int n = r.count("groups", 8);
    SortedMap<Integer, List<String>> groups = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      int gid = r.i32("group id");
      int m = r.count("group " + gid + " servers", 4);
      List<String> servers = new ArrayList<>(m);
      for (int j = 0; j < m; j++) servers.add(r.string("group " + gid + " server"));
      if (groups.put(gid, servers) != null) throw r.malformed("duplicate group id " + gid);
    }
    return groups;
  }

  private static Status status(PayloadReader r) throws FrameException {
    int code = r.u8("status");
    Status s = Status.fromWireCode(code);
    if (s == null) throw r.malformed("unknown status code " + code);
    return s;
  }
}
