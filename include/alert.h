/*
 * alert.h: the alert as users receive it (pure): JSON (jansson), the
 * slack and discord bodies, the stable alert id, and the Standard
 * Webhooks signature.
 */
#ifndef NEWSWATCH_ALERT_H
#define NEWSWATCH_ALERT_H

#include <stddef.h>
#include <stdint.h>

#define ALERT_ID_LEN		16	/* hex digits */
#define ALERT_SUMMARY_MAX	1000	/* characters of plain text */

struct alert {
	char		 a_id[ALERT_ID_LEN + 1];
	const char	*a_watchlist;
	const char *const *a_matched;
	size_t		 a_nmatched;
	const char	*a_feed_name;
	const char	*a_feed_url;
	const char	*a_item_id;	/* the item key (feed_item_key) */
	const char	*a_title;
	const char	*a_link;
	int64_t		 a_published;	/* DATE_NONE if none */
	const char	*a_author;
	const char	*a_summary;	/* plain text; cut to ALERT_SUMMARY_MAX */
	int64_t		 a_detected_at;
};

/*
 * The id of a (watchlist, item) pair: the first 64 bits of
 * SHA-256(watchlist NUL feed NUL item key), in hex.  Stable across
 * restarts, so a redelivery carries the same id.
 */
void	 alert_make_id(const char *watchlist, const char *feed,
	    const char *item_key, char out[ALERT_ID_LEN + 1]);

/* The contract's JSON object, compact, one line; caller frees. */
char	*alert_to_json(const struct alert *);

/*
 * The body of a webhook of the given format ("json", "slack", "discord"
 * as enum conf_format) made from the stored JSON of an alert.  Returns
 * NULL with err if json is not an alert.  Caller frees.
 */
char	*alert_webhook_body(const char *json, int format, char *err,
	    size_t errlen);

/* The syslog line "alert watchlist=… feed=… title=\"…\" link=…"; frees. */
char	*alert_syslog_line(const char *json);

/*
 * Standard Webhooks: "v1," + base64(HMAC-SHA256(key, id "." ts "." body))
 * where key is the base64 decoding of secret after "whsec_".  Returns a
 * string to free, or NULL with err when the secret is not valid.
 */
char	*alert_sign(const char *secret, const char *msg_id, int64_t ts,
	    const char *body, size_t bodylen, char *err, size_t errlen);

#endif
