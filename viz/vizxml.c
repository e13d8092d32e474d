#include "vizxml.h"

void vs_viz_xml(vs_buf_t *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': vs_buf_puts(b, "&amp;"); break;
        case '<': vs_buf_puts(b, "&lt;"); break;
        case '>': vs_buf_puts(b, "&gt;"); break;
        case '"': vs_buf_puts(b, "&quot;"); break;
        case '\'': vs_buf_puts(b, "&#39;"); break;
        default: vs_buf_putc(b, *s); break;
        }
    }
}
