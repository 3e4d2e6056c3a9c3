import { createClient } from "./client.js";

/**
 * notifySchedulerRefresh asks the service to reload its plan from the
 * database, after a write that did not go through the API. It reads
 * DOODAH_API_URL and DOODAH_API_SECRET like the web UI's own helper did and,
 * like it, never throws: the service's own polling catches up anyway. It
 * returns whether the service confirmed.
 */
export async function notifySchedulerRefresh(): Promise<boolean> {
  try {
    const { response } = await createClient().POST("/scheduler/refresh");
    if (!response.ok) {
      throw new Error(`API error: ${response.status}`);
    }
    console.log("[API] Scheduler notified successfully");
    return true;
  } catch (error) {
    console.error("[API] Failed to notify scheduler:", error);
    return false;
  }
}
