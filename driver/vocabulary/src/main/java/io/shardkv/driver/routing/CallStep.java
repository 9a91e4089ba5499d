package io.shardkv.driver.routing;

/**
 * What the caller of {@link ClientCall#next(long)} must do now. The caller owns all I/O and time;
 * the call only decides.
 */
public sealed interface CallStep {

  /**
   * Send attempt number {@code attempt} of the request (same client id and seq as every other
   * attempt) to {@code server} of group {@code gid} ({@link ShardRouter#CONFIG_CENTER_GID} for the
   * config center), tagged with the client's config number; report the answer with
   * {@link ClientCall#onReply} or its absence with {@link ClientCall#onNoReply} — at the latest at
   * {@code replyDeadline}.
   */
  record Send(int attempt, int gid, String server, int configNum, long replyDeadline)
      implements CallStep {}

  /** An attempt is in flight; call {@code next} again on its reply or at {@code replyDeadline}. */
  record AwaitReply(int attempt, long replyDeadline) implements CallStep {}

  /**
   * The call needs a configuration newer than {@code newerThan} (-1: any): query the config center
   * (e.g. with {@link ShardRouter#startConfigQuery}) and report with
   * {@link ClientCall#onConfigFetched}.
   */
  record FetchConfig(int newerThan) implements CallStep {}

  /**
   * Every server of group {@code gid} failed to give a lead in a full round (LeaderTracker's "out of
   * leads"): ask {@code server}, which answered, for the members it knows (STATUS, docs/protocol.md
   * §5.3: {@code members}, or {@code g<gid>.members}) and report them with
   * {@link ClientCall#onMembersFetched} — an empty list when no usable answer came by
   * {@code replyDeadline} (or call {@code next} then).
   */
  record FetchMembers(int gid, String server, long replyDeadline) implements CallStep {}

  /** Back off: call {@code next} again at {@code wakeAt}. */
  record WaitUntil(long wakeAt) implements CallStep {}

  /** The call is over. */
  record Finish(CallOutcome outcome) implements CallStep {}
}
