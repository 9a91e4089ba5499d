package io.shardkv.server.frontdoor;

import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.shardkv.ShardScan;

/**
 * Translates the wire's SCAN request into the shard group's scan query bytes and the group's page
 * back into a SCAN reply (docs/protocol.md §5.1). Stateless.
 */
final class ScanWire {
  private ScanWire() {}

  static byte[] command(Request.Scan s) {
    return ShardScan.encodeQuery(new ShardScan.Query(s.shard(), s.prefix(), s.after(), s.limit()));
  }

  static Response response(byte[] result) {
    ShardScan.Page p = ShardScan.decodePage(result);
    Status st = p.status().wireStatus();
    return switch (st) {
      case OK -> new Response(FrameType.SCAN, Status.OK, new Result.Page(p.entries(), p.more()));
      case WRONG_GROUP -> Response.wrongGroup(FrameType.SCAN, -1);
      default -> Response.error(FrameType.SCAN, st, p.message() == null ? st.name().toLowerCase() : p.message());
    };
  }
}
