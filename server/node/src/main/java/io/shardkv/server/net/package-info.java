/**
 * The TCP transport of a ShardKV node: one {@link io.shardkv.server.net.EventLoop} thread per node
 * runs listeners, client and peer connections, tasks and timers, so the node's deterministic core
 * can run on that same thread without locks (the real-time counterpart of the simulator).
 *
 * <ul>
 *   <li>{@link io.shardkv.server.net.Connection}: streaming decode, bounded write queue with read
 *       backpressure, idle / slow-frame / stalled-write timeouts, one ERROR reply + one log line +
 *       close on a protocol violation.</li>
 *   <li>Plug-in points: {@link io.shardkv.server.net.FrameHandler} (raw frames),
 *       {@link io.shardkv.server.net.RequestDispatcher} + {@link io.shardkv.server.net.RequestHandler}
 *       (parsed client requests; PING and peer frames handled for you).</li>
 *   <li>{@link io.shardkv.server.net.PeerTransport} (MicroRaft-style: send never blocks or throws;
 *       isReachable) implemented by {@link io.shardkv.server.net.TcpPeerTransport} with
 *       {@link io.shardkv.server.net.Backoff} reconnects.</li>
 * </ul>
 */
package io.shardkv.server.net;
