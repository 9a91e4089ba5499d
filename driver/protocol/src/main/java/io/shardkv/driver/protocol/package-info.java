/**
 * The ShardKV wire protocol (specified in {@code docs/protocol.md}) and a pipelined client
 * connection.
 *
 * <ul>
 *   <li>Framing: {@link io.shardkv.driver.protocol.Frame}, {@link io.shardkv.driver.protocol.FrameEncoder},
 *       and the streaming {@link io.shardkv.driver.protocol.FrameDecoder}, which validates magic,
 *       version, type and length before allocating and reports violations as
 *       {@link io.shardkv.driver.protocol.FrameException}s naming the stream offset.</li>
 *   <li>Messages: {@link io.shardkv.driver.protocol.Request} (one record per request type),
 *       {@link io.shardkv.driver.protocol.Response} (status + {@link io.shardkv.driver.protocol.Result}
 *       body), {@link io.shardkv.driver.protocol.ProtocolError}; converted by
 *       {@link io.shardkv.driver.protocol.MessageCodec}.</li>
 *   <li>Outcomes: {@link io.shardkv.driver.routing.Status} (the one status vocabulary; only
 *       its {@code onWire()} codes are sent) says for each code whether it is definite; {@link io.shardkv.driver.protocol.CallFailedException} does the same for calls that
 *       got no reply (timeouts and lost connections are indefinite).</li>
 *   <li>{@link io.shardkv.driver.protocol.ClientConnection}: many requests in flight on one socket,
 *       futures completed by request id, per-call timeouts, reconnect on demand.</li>
 * </ul>
 */
package io.shardkv.driver.protocol;
