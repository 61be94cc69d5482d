/* lg-report.c: the results: which version each acknowledged request made (ack times), the lag
 * summary, and the report as JSON (--json) or text. See lg-run-private.h. */
#include "lg-run-private.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

/* Gives each version the time its commit was acknowledged, where a reply can be matched to it.
 * A `changed` message covering versions (from, to] holds the final state of the seats those
 * versions touched; the replies that acknowledged those seats are the ops of those versions.
 * Sorted by reply time they line up with the versions in order, since the server commits and
 * replies in version order. Where the counts do not match (a hold and its booking coalesced into
 * one message shows only "booked"; changes made by others) the holds of booked seats are tried,
 * and failing that the versions keep only their first-receipt time. */
static void
assign_ack_times (Event *event)
{
  g_autoptr (GArray) acks = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint m = 0; m < event->watch_msgs->len; m++)
    {
      WatchMsg *msg = &g_array_index (event->watch_msgs, WatchMsg, m);
      guint want = (guint) (msg->to - msg->from);

      for (int pass = 0; pass < 2; pass++)
        {
          g_array_set_size (acks, 0);
          for (guint e = 0; e < msg->n_entries; e++)
            {
              guint32 entry = g_array_index (event->watch_entries, guint32, msg->first_entry + e);
              guint seat = entry >> 2;
              SbSeatState state = (SbSeatState) (entry & 3);
              guint32 candidates[2] = { 0, 0 };
              if (state == SB_SEAT_HELD)
                candidates[0] = event->held_op[seat];
              else if (state == SB_SEAT_BOOKED)
                {
                  candidates[0] = event->booked_op[seat];
                  if (pass == 1)
                    candidates[1] = event->held_op[seat];
                }
              for (guint c = 0; c < 2; c++)
                {
                  guint32 op = candidates[c];
                  gboolean dup = op == 0 || g_array_index (lg_run.ops, Op, op - 1).assigned;
                  for (guint j = 0; !dup && j < acks->len; j++)
                    dup = g_array_index (acks, guint32, j) == op;
                  if (!dup)
                    g_array_append_val (acks, op);
                }
            }
          if (acks->len == want)
            break;
        }
      if (acks->len != want)
        continue;

      /* Few entries per message: insertion sort by ack time. */
      for (guint a = 1; a < acks->len; a++)
        for (guint b = a;
             b > 0
             && g_array_index (lg_run.ops, Op, g_array_index (acks, guint32, b - 1) - 1).ack_us
                    > g_array_index (lg_run.ops, Op, g_array_index (acks, guint32, b) - 1).ack_us;
             b--)
          {
            guint32 t = g_array_index (acks, guint32, b);
            g_array_index (acks, guint32, b) = g_array_index (acks, guint32, b - 1);
            g_array_index (acks, guint32, b - 1) = t;
          }
      for (guint a = 0; a < acks->len; a++)
        {
          Op *op = &g_array_index (lg_run.ops, Op, g_array_index (acks, guint32, a) - 1);
          VersionInfo *info = lg_version_info (event, msg->from + 1 + a);
          if (info != NULL)
            info->t_ack = op->ack_us;
          op->assigned = TRUE;
        }
    }
}

void
lg_summarize_lag (LgLagSummary *summary)
{
  memset (summary, 0, sizeof *summary);
  for (guint e = 0; e < lg_run.events->len; e++)
    {
      Event *event = lg_run.events->pdata[e];
      assign_ack_times (event);
      for (guint i = 0; i < event->versions->len; i++)
        {
          VersionInfo *info = &g_array_index (event->versions, VersionInfo, i);
          if (info->n_seen == 0 || info->t_first < lg_run.run_start_us)
            continue;
          summary->n_versions++;
          if (info->n_seen < event->n_observers)
            {
              summary->n_incomplete++;
              continue;
            }
          gint64 ref = info->t_first;
          if (info->t_ack != 0)
            {
              summary->n_matched++;
              lg_hist_add (&summary->ack_to_first, info->t_first - info->t_ack);
              ref = MIN (ref, info->t_ack);
            }
          lg_hist_add (&summary->commit_to_all, info->t_last - ref);
        }
    }
}

static void
add_hist (JsonBuilder *b, const char *name, const LgHist *hist)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, (gint64) hist->n);
  const double qs[] = { 0.5, 0.95, 0.99, 0.999 };
  const char *qn[] = { "p50_ms", "p95_ms", "p99_ms", "p999_ms" };
  for (guint i = 0; i < G_N_ELEMENTS (qs); i++)
    {
      json_builder_set_member_name (b, qn[i]);
      json_builder_add_double_value (b, lg_hist_percentile (hist, qs[i]) / 1000.0);
    }
  json_builder_set_member_name (b, "max_ms");
  json_builder_add_double_value (b, (double) hist->max / 1000.0);
  json_builder_set_member_name (b, "mean_ms");
  json_builder_add_double_value (b, lg_hist_mean (hist) / 1000.0);
  json_builder_end_object (b);
}

static void
add_double (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_counts (JsonBuilder *b, const char *name, GHashTable *table)
{
  GHashTableIter iter;
  gpointer key, value;

  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    add_int (b, key, GPOINTER_TO_UINT (value));
  json_builder_end_object (b);
}

static void
print_hist (const char *name, const LgHist *hist)
{
  if (hist->n == 0)
    return;
  printf ("  %-28s n=%-9" G_GUINT64_FORMAT " p50 %8.3f  p95 %8.3f  p99 %8.3f  max %8.3f ms\n", name,
          hist->n, lg_hist_percentile (hist, 0.5) / 1000.0,
          lg_hist_percentile (hist, 0.95) / 1000.0, lg_hist_percentile (hist, 0.99) / 1000.0,
          (double) hist->max / 1000.0);
}

void
lg_report_print (const LgMeasures *measures, const LgLagSummary *summary, const LgCheck *result)
{
  /* main's names for what it measured. */
  double connect_s = measures->connect_s, drain_s = measures->drain_s;
  gboolean drained_ok = measures->drained_ok;
  struct rusage ru_start = measures->ru_start, ru_end = measures->ru_end;
  struct rusage ru_run_start = measures->ru_run_start, ru_run_end = measures->ru_run_end;
  LgProcSample proc_idle = measures->proc_idle, proc_loaded = measures->proc_loaded;
  LgProcSample proc_run_start = measures->proc_run_start, proc_run_end = measures->proc_run_end;
  LgProcSample proc_open = measures->proc_open;
  const char *metrics_before = measures->metrics_before;
  const char *metrics_after = measures->metrics_after;
  LgLagSummary lag = *summary;
  LgCheck check = *result;

  double run_s = (double) (lg_run.run_end_us - lg_run.run_start_us) / G_USEC_PER_SEC;
  double lg_cpu = (double) (ru_run_end.ru_utime.tv_sec - ru_run_start.ru_utime.tv_sec
                            + ru_run_end.ru_stime.tv_sec - ru_run_start.ru_stime.tv_sec)
                  + (double) (ru_run_end.ru_utime.tv_usec - ru_run_start.ru_utime.tv_usec
                              + ru_run_end.ru_stime.tv_usec - ru_run_start.ru_stime.tv_usec)
                        / 1e6;
  double lg_cpu_total = (double) (ru_end.ru_utime.tv_sec - ru_start.ru_utime.tv_sec
                                  + ru_end.ru_stime.tv_sec - ru_start.ru_stime.tv_sec)
                        + (double) (ru_end.ru_utime.tv_usec - ru_start.ru_utime.tv_usec
                                    + ru_end.ru_stime.tv_usec - ru_start.ru_stime.tv_usec)
                              / 1e6;
  double server_cpu = proc_run_end.valid ? proc_run_end.cpu_s - proc_run_start.cpu_s : -1;
  guint n_open = (guint) lg_run.watchers->len + lg_run.n_ready + lg_run.n_bookers_ready;
  double kib_per_conn = proc_loaded.valid && (lg_run.n_ready + lg_run.watchers->len) > 0
                            ? (double) (proc_loaded.rss_kib - proc_idle.rss_kib)
                                  / (double) (lg_run.n_ready + lg_run.watchers->len)
                            : -1;
  /* Server CPU from before the first connection to the memory sample: what connecting (hello,
   * subscribe, snapshot or replay) cost it. */
  double connect_cpu = proc_loaded.valid ? proc_loaded.cpu_s - proc_idle.cpu_s : -1;
  double connect_cpu_per_conn
      = connect_cpu >= 0 && (lg_run.n_ready + lg_run.watchers->len) > 0
            ? 1e6 * connect_cpu / (double) (lg_run.n_ready + lg_run.watchers->len)
            : -1;
  guint64 replies = 0;
  for (guint k = REQ_HOLD; k < N_REQ_KINDS; k++)
    replies += lg_run.latency[k].n;

  LgPromHist server_lag_before, server_lag_after;
  lg_prom_hist_parse (metrics_before, "seatbook_broadcast_lag_seconds", &server_lag_before);
  lg_prom_hist_parse (metrics_after, "seatbook_broadcast_lag_seconds", &server_lag_after);
  double server_lag_p50 = lg_prom_hist_quantile (&server_lag_before, &server_lag_after, 0.5);
  double server_lag_p99 = lg_prom_hist_quantile (&server_lag_before, &server_lag_after, 0.99);
  LgPromHist commit_before, commit_after;
  lg_prom_hist_parse (metrics_before, "seatbook_commit_seconds", &commit_before);
  lg_prom_hist_parse (metrics_after, "seatbook_commit_seconds", &commit_after);
  double commit_p50 = lg_prom_hist_quantile (&commit_before, &commit_after, 0.5);
  double commit_p99 = lg_prom_hist_quantile (&commit_before, &commit_after, 0.99);

  if (lg_opt.json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_double (b, "run_seconds", run_s);
      add_double (b, "connect_seconds", connect_s);
      add_double (b, "drain_seconds", drain_s);
      add_int (b, "drained", drained_ok);
      add_int (b, "events", lg_run.events->len);
      add_int (b, "connections_open", n_open);
      add_int (b, "subscribers", lg_opt.subscribers);
      add_int (b, "idle", lg_opt.idle);
      add_int (b, "bookers", lg_opt.bookers);
      add_double (b, "bookings_per_second", (double) lg_run.n_bookings / run_s);
      add_double (b, "seats_booked_per_second", (double) lg_run.n_seats_booked / run_s);
      add_double (b, "holds_per_second", (double) lg_run.n_holds / run_s);
      add_double (b, "rejected_per_second", (double) lg_run.n_rejected / run_s);
      add_double (b, "replies_per_second", (double) replies / run_s);
      add_int (b, "bookings", (gint64) lg_run.n_bookings);
      add_int (b, "seats_booked", (gint64) lg_run.n_seats_booked);
      add_int (b, "holds", (gint64) lg_run.n_holds);
      add_int (b, "rejected", (gint64) lg_run.n_rejected);
      add_int (b, "requests_sent", (gint64) lg_run.n_requests);
      add_counts (b, "errors", lg_run.errors_by_code);
      add_counts (b, "closes", lg_run.closes_by_code);
      add_int (b, "connections_failed", (gint64) lg_run.n_conn_failed);
      json_builder_set_member_name (b, "latency");
      json_builder_begin_object (b);
      for (guint k = 0; k < N_REQ_KINDS; k++)
        add_hist (b, lg_req_kind_names[k], &lg_run.latency[k]);
      json_builder_end_object (b);
      add_int (b, "changed_messages", (gint64) lg_run.n_changed_msgs);
      add_int (b, "idle_changed_messages", (gint64) lg_run.n_idle_msgs);
      add_int (b, "version_gaps", (gint64) lg_run.n_gaps);
      add_hist (b, "lag_fanout", &lg_run.fanout_lag);
      add_hist (b, "lag_commit_to_all", &lag.commit_to_all);
      add_hist (b, "lag_ack_to_first", &lag.ack_to_first);
      add_int (b, "lag_versions", (gint64) lag.n_versions);
      add_int (b, "lag_versions_matched", (gint64) lag.n_matched);
      add_int (b, "lag_versions_incomplete", (gint64) lag.n_incomplete);
      add_double (b, "server_lag_p50_ms", server_lag_p50 >= 0 ? server_lag_p50 * 1000 : -1);
      add_double (b, "server_lag_p99_ms", server_lag_p99 >= 0 ? server_lag_p99 * 1000 : -1);
      add_double (b, "server_commit_p50_ms", commit_p50 >= 0 ? commit_p50 * 1000 : -1);
      add_double (b, "server_commit_p99_ms", commit_p99 >= 0 ? commit_p99 * 1000 : -1);
      add_double (b, "server_cpu_seconds", server_cpu);
      add_double (b, "server_cpu_percent", server_cpu >= 0 ? 100 * server_cpu / run_s : -1);
      add_double (b, "server_cpu_us_per_reply",
                  server_cpu >= 0 && replies > 0 ? 1e6 * server_cpu / (double) replies : -1);
      add_int (b, "server_rss_kib_idle", proc_idle.rss_kib);
      add_int (b, "server_rss_kib_connected", proc_loaded.rss_kib);
      add_int (b, "server_rss_kib_end", proc_open.rss_kib);
      add_int (b, "server_hwm_kib", proc_open.hwm_kib);
      add_double (b, "server_kib_per_connection", kib_per_conn);
      add_double (b, "server_cpu_seconds_connecting", connect_cpu);
      add_double (b, "server_cpu_us_per_connection", connect_cpu_per_conn);
      add_double (b, "loadgen_cpu_seconds_run", lg_cpu);
      add_double (b, "loadgen_cpu_percent_run", 100 * lg_cpu / run_s);
      add_double (b, "loadgen_cpu_seconds_total", lg_cpu_total);
      add_int (b, "double_acks", (gint64) lg_run.n_double_acks);
      json_builder_set_member_name (b, "verify");
      json_builder_begin_object (b);
      add_int (b, "ran", check.ran);
      add_int (b, "ok", check.ok);
      add_int (b, "acked_missing", (gint64) check.acked_missing);
      add_int (b, "booked_unacked", (gint64) check.booked_unacked);
      add_int (b, "db_checked", lg_opt.db != NULL);
      add_int (b, "db_missing", (gint64) check.db_missing);
      add_int (b, "db_duplicates", (gint64) check.db_duplicates);
      add_int (b, "db_inconsistent", (gint64) check.db_inconsistent);
      if (check.error != NULL)
        {
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, check.error);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      g_autofree char *text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
    }
  else
    {
      printf ("run %.2f s (drain %.2f s%s), %u events, %u connections open "
              "(%d subscribers, %d idle, %d bookers), connected in %.1f s\n",
              run_s, drain_s, drained_ok ? "" : ", NOT drained", lg_run.events->len, n_open,
              lg_opt.subscribers, lg_opt.idle, lg_opt.bookers, connect_s);
      printf ("  bookings/s %.0f  seats booked/s %.0f  holds/s %.0f  rejected/s %.0f  "
              "replies/s %.0f\n",
              (double) lg_run.n_bookings / run_s, (double) lg_run.n_seats_booked / run_s,
              (double) lg_run.n_holds / run_s, (double) lg_run.n_rejected / run_s,
              (double) replies / run_s);
      GHashTableIter iter;
      gpointer key, value;
      g_hash_table_iter_init (&iter, lg_run.errors_by_code);
      while (g_hash_table_iter_next (&iter, &key, &value))
        printf ("  error %-24s %u\n", (char *) key, GPOINTER_TO_UINT (value));
      g_hash_table_iter_init (&iter, lg_run.closes_by_code);
      while (g_hash_table_iter_next (&iter, &key, &value))
        printf ("  closed %-40s %u\n", (char *) key, GPOINTER_TO_UINT (value));
      printf ("latency (send -> reply):\n");
      for (guint k = 0; k < N_REQ_KINDS; k++)
        print_hist (lg_req_kind_names[k], &lg_run.latency[k]);
      printf ("broadcast (%" G_GUINT64_FORMAT " changed messages, %" G_GUINT64_FORMAT
              " gaps; %" G_GUINT64_FORMAT " versions, %" G_GUINT64_FORMAT
              " matched to replies, %" G_GUINT64_FORMAT " not seen by all):\n",
              lg_run.n_changed_msgs, lg_run.n_gaps, lag.n_versions, lag.n_matched,
              lag.n_incomplete);
      if (lg_run.n_idle_msgs > 0)
        printf ("  idle connections received %" G_GUINT64_FORMAT " changed messages (not timed)\n",
                lg_run.n_idle_msgs);
      print_hist ("commit -> every subscriber", &lag.commit_to_all);
      print_hist ("fan-out (per subscriber)", &lg_run.fanout_lag);
      print_hist ("reply -> first subscriber", &lag.ack_to_first);
      if (server_lag_p99 >= 0)
        printf ("  server /metrics broadcast lag   p50 %.3f  p99 %.3f ms\n", server_lag_p50 * 1000,
                server_lag_p99 * 1000);
      if (commit_p99 >= 0)
        printf ("  server /metrics commit          p50 %.3f  p99 %.3f ms\n", commit_p50 * 1000,
                commit_p99 * 1000);
      if (proc_run_end.valid)
        printf ("server: CPU %.2f s in the run (%.0f%% of one core), %.1f µs per reply; RSS idle "
                "%" G_GINT64_FORMAT " KiB, connected %" G_GINT64_FORMAT " KiB (%.2f KiB per "
                "connection), end %" G_GINT64_FORMAT " KiB, peak %" G_GINT64_FORMAT " KiB\n",
                server_cpu, 100 * server_cpu / run_s,
                replies > 0 ? 1e6 * server_cpu / (double) replies : 0.0, proc_idle.rss_kib,
                proc_loaded.rss_kib, kib_per_conn, proc_open.rss_kib, proc_open.hwm_kib);
      if (proc_loaded.valid)
        printf ("server: CPU %.2f s while connecting (%.0f µs per connection)\n", connect_cpu,
                connect_cpu_per_conn);
      printf ("loadgen: CPU %.2f s in the run (%.0f%% of one core), %.2f s in all\n", lg_cpu,
              100 * lg_cpu / run_s, lg_cpu_total);
      if (check.ran)
        printf ("verify: %s — %" G_GUINT64_FORMAT " acknowledged seats missing, %" G_GUINT64_FORMAT
                " double acknowledgements, %" G_GUINT64_FORMAT " booked but unacknowledged%s%s\n",
                check.ok ? "OK" : "FAILED", check.acked_missing, lg_run.n_double_acks,
                check.booked_unacked, check.error != NULL ? "; error: " : "",
                check.error != NULL ? check.error : "");
      if (check.ran && lg_opt.db != NULL && check.error == NULL)
        printf ("verify db: %" G_GUINT64_FORMAT " acknowledged bookings missing, %" G_GUINT64_FORMAT
                " seats booked twice, %" G_GUINT64_FORMAT " inconsistent rows\n",
                check.db_missing, check.db_duplicates, check.db_inconsistent);
    }

  lg_prom_hist_clear (&server_lag_before);
  lg_prom_hist_clear (&server_lag_after);
  lg_prom_hist_clear (&commit_before);
  lg_prom_hist_clear (&commit_after);
}
