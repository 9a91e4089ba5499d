package io.shardkv.driver.client;

import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.routing.CallOutcome;

/**
 * How a finished or abandoned call is reported by {@link ShardKvClient}: the answer, or a
 * {@link KvException} that is definite exactly when no attempt of the call can have been applied
 * ({@link CallOutcome#definite()}), with a message that says which. Stateless.
 */
final class CallOutcomes {
  private CallOutcomes() {}

  /** The call's outcome as this API reports it: the response, or a definite or indefinite KvException. */
  static Response outcome(CallOutcome o, Response answer, String answeredBy, String lastProblem)
      throws KvException {
    switch (o.kind()) {
      case COMPLETED:
        if (answer == null) throw new IllegalStateException("a call completed without a response: " + o);
        return answer;
      case INDEFINITE:
        if (answer != null) throw new KvException(false, o.reason()); // e.g. STALE_REQUEST
        throw new KvException(false, "timed out after " + o.attempts() + " attempt(s); the write may have been applied ("
            + lastProblem + ")");
      default:
        if (answer != null) {
          String msg = answer.result() instanceof Result.Text t ? t.message() : String.valueOf(answer.status());
          throw new KvException(true, true, "rejected by " + answeredBy + ": " + answer.status() + ": " + msg);
        }
        if (o.attempts() == 0) {
          throw new KvException(true, "timed out before any server could be asked; not applied (" + lastProblem + ")");
        }
        throw new KvException(true, "timed out after " + o.attempts() + " attempt(s); not applied (" + lastProblem + ")");
    }
  }

  /** A call stopped early with {@code why}; {@code rejected}: the request itself is invalid. */
  static KvException abandoned(CallOutcome o, String why, boolean rejected) {
    return new KvException(o.definite(), rejected && o.definite(),
        why + (o.definite() ? "" : "; an earlier attempt may have been applied"));
  }

  /** A call whose thread was interrupted. */
  static KvException interrupted(CallOutcome o) {
    return new KvException(o.definite(), "interrupted after " + o.attempts() + " attempt(s); "
        + (o.definite() ? "not applied" : "the write may have been applied"));
  }
}
