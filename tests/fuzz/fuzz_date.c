/*
 * fuzz_date.c: libFuzzer target for date.c.  Every input either gives
 * DATE_NONE or an instant that formats and parses back to itself.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 buf[256], out[DATE_RFC3339_LEN];
	int64_t	 t;

	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if ((t = date_parse(buf)) == DATE_NONE)
		return 0;
	date_format(t, out);
	/*
	 * What date_format() writes, date_parse() must read back; a zone
	 * offset may push year 1 or 9999 out of the range read.
	 */
	if (strlen(out) == 20 && strncmp(out, "0000", 4) != 0 &&
	    date_parse(out) != t)
		abort();
	return 0;
}
