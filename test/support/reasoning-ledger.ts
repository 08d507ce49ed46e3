/**
 * What the test server remembers of the reasoning items it issued on `/v1/responses`: each
 * item's encrypted content and the item that followed it, so a request that sends a reasoning
 * item back can be checked the way the real API checks it.
 *
 * @module
 */

/** One issued reasoning item. */
export interface IssuedReasoning {
  /** Its `encrypted_content` (`undefined` when the request did not include it). */
  encrypted: string | undefined;
  /** The id of the output item that came right after it. */
  followerId: string;
  /** That item's type (`message`, `function_call`, `reasoning`). */
  followerType: string;
}

/** The reasoning items a server issued, and which item each preceded. */
export class ReasoningLedger {
  readonly #issued = new Map<string, IssuedReasoning>();
  /** Follower item id -> the reasoning item it followed. */
  readonly #followers = new Map<string, string>();

  /**
   * Records a reasoning item of a reply.
   *
   * @param id - The reasoning item's id (`rs_…`).
   * @param issued - Its encrypted content and the item after it.
   */
  issue(id: string, issued: IssuedReasoning): void {
    this.#issued.set(id, issued);
    this.#followers.set(issued.followerId, id);
  }

  /** The reasoning item `id`, when this server issued it. */
  reasoning(id: string): IssuedReasoning | undefined {
    return this.#issued.get(id);
  }

  /** The reasoning item that preceded the item `id`, when this server issued them. */
  reasoningBefore(id: string): string | undefined {
    return this.#followers.get(id);
  }
}
