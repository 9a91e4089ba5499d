package io.shardkv.chaos;

import io.shardkv.chaos.clock.Clocks;
import io.shardkv.chaos.control.Host;
import io.shardkv.chaos.db.Db;
import io.shardkv.chaos.net.Net;
import java.util.List;

/**
 * What a campaign acts on: the hosts, the database deployed on them, and the fault primitives those
 * hosts offer. Built from {@code --nodes}, {@code --nodes-file} or the lab; closing it closes the
 * SSH sessions (it does not tear the database down: {@link Db#teardown()} does).
 */
public interface Testbed extends AutoCloseable {
  List<Host> hosts();

  Db db();

  Net net();

  Clocks clocks();

  @Override
  void close();
}
