/* vizxml: XML escaping for the SVG renderers, on top of core/base's vs_buf_t. */
#ifndef VS_VIZXML_H
#define VS_VIZXML_H

#include "buf.h"

/* Appends s with &, <, >, " and ' escaped for XML text and attributes. */
void vs_viz_xml(vs_buf_t *b, const char *s);

#endif
