package io.shardkv.server.raft;

/**
 * Receives one trace line per significant event of a node (an election, a role change, a message
 * sent or received, a commit advance, a snapshot). Lines are only built when tracing is enabled on
 * the node ({@link RaftNode#setTraceEnabled}), so a disabled trace costs nothing.
 *
 * <p>Line format (one line, fields separated by single spaces):
 * <pre>
 * t=&lt;time&gt; g&lt;group&gt;-n&lt;node&gt; term=&lt;term&gt; &lt;role&gt; commit=&lt;commit&gt; last=&lt;term&gt;/&lt;index&gt;
 *   snap=&lt;term&gt;/&lt;index&gt; len=&lt;in-memory entries&gt; next=[&lt;peer&gt;:&lt;nextIndex&gt;,...] applied=&lt;applied&gt;
 *   | &lt;body&gt;
 * </pre>
 * where the time is whatever the driver last set with {@link RaftNode#setTime(long)} (the
 * simulator's virtual clock, the server's milliseconds), {@code next=[]} is filled on a leader only,
 * and the body is for example {@code >>> sending append[to=2 prev=7/3 n=4 commit=9]},
 * {@code >>> sending vote[to=3 granted=true]}, {@code >>> sending req[to=2 pre=true lastLog=3/9]},
 * {@code >>> sending snap[to=4 at=120/5 off=0 len=65536 done=false]}, {@code <<< drop ...} or
 * {@code became LEADER}.
 *
 * <p>Implementations must not call back into the node.
 */
@FunctionalInterface
public interface TraceSink {
  /** A sink that discards everything. */
  TraceSink NONE = line -> { };

  void line(String line);
}
