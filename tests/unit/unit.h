/*
 * unit.h: what every cmocka unit test includes, in the order cmocka needs.
 */
#ifndef NEWSWATCH_UNIT_H
#define NEWSWATCH_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#endif
