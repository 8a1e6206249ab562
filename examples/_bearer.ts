// The bearer token a served example asks of every request (a Deploy app is public, and what it
// shows says what a team works on), compared in a time that does not tell how much of it matched.

/** Why `request` may not be answered, as an answer; `undefined` when it carries `$variable`. */
export async function bearerRefusal(
  request: Request,
  variable: string,
): Promise<Response | undefined> {
  const token = Deno.env.get(variable);
  if (!token) {
    return Response.json({
      error: `${variable} is not set: set it, then send it as a bearer token`,
    }, {
      status: 403,
    });
  }
  const sent = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
  if (sent === undefined) {
    return Response.json({ error: `send the token: Authorization: Bearer $${variable}` }, {
      status: 401,
      headers: { "www-authenticate": "Bearer" },
    });
  }
  if (!(await sameSecret(sent, token))) {
    return Response.json({ error: "wrong token" }, { status: 403 });
  }
  return undefined;
}

/** Whether `a` and `b` are the same, in a time that does not tell how much of them matches. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const digest = async (text: string) =>
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  return x.reduce((difference, byte, index) => difference | (byte ^ y[index]!), 0) === 0;
}
