// The HTML pages a gateway in front of the API sends instead of Lambda's JSON.

/** An nginx-style error page titled `title`, such as "502 Bad Gateway". */
export function gatewayPage(title: string): string {
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
    `<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
