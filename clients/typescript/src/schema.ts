// Generated from api/openapi.yaml by scripts/schema.mjs (npm run generate). Do not edit.

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness probe (no authentication, no data) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The process is serving. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @constant */
                            status?: "ok";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Service health, the seed's bare object (no envelope) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Healthy (`ok`) or running with a problem (`degraded`). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Health"];
                    };
                };
                401: components["responses"]["Unauthorized"];
                403: components["responses"]["Forbidden"];
                429: components["responses"]["RateLimited"];
                /** @description The database cannot be read (`status` is `error`). */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Health"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (also on VPSLINK_METRICS_LISTEN when set) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Prometheus text exposition format. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
                401: components["responses"]["Unauthorized"];
                403: components["responses"]["Forbidden"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/scheduler/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reload the scheduler's plan from SQLite */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Refreshed. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SchedulerReply"];
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/scheduler/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Emergency stop of all sending (persisted, survives restarts) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Sending is stopped. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SchedulerReply"];
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/scheduler/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Lift the emergency stop */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Sending is resumed. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SchedulerReply"];
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List contacts by name */
        get: {
            parameters: {
                query?: {
                    /** @description Substring of the name, an alias or the phone; case-insensitive beyond ASCII */
                    search?: string;
                    favorite?: boolean;
                    tag?: string;
                    limit?: components["parameters"]["Limit"];
                    offset?: components["parameters"]["Offset"];
                };
                header?: {
                    /** @description The ETag of a list page this client holds: 304 while the database has not changed since */
                    "If-None-Match"?: components["parameters"]["IfNoneMatch"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page. */
                200: {
                    headers: {
                        ETag: components["headers"]["ETag"];
                        "Cache-Control": components["headers"]["CacheControl"];
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ContactPage"];
                    };
                };
                304: components["responses"]["NotModified"];
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        /** Create a contact */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ContactInput"];
                };
            };
            responses: {
                /** @description Created. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ContactResult"];
                    };
                };
                409: components["responses"]["Conflict"];
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import contacts from a vCard (3.0, 4.0) or CSV file
         * @description One transaction: a card whose phone is new adds a contact, one whose phone exists is
         *     merged into it, one the rules refuse is skipped with the reason; the report accounts for
         *     every card. A malformed file writes nothing: the 400 names the line. Every number is
         *     normalised with the phone rules; a card's first mobile number becomes the contact's
         *     phone, the next its secondary phone, further ones go to the notes. Birthdays are listed,
         *     never scheduled. At most 8 MiB. Not replayed by Idempotency-Key (importing again changes
         *     nothing).
         */
        post: {
            parameters: {
                query?: {
                    /** @description Report without writing */
                    dry_run?: boolean;
                    /** @description Detected when absent */
                    format?: "vcf" | "csv";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "multipart/form-data": {
                        /** Format: binary */
                        file: string;
                    };
                };
            };
            responses: {
                /** @description What became of every card. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ContactImportResult"];
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Export every contact as vCard 4.0 or CSV */
        get: {
            parameters: {
                query?: {
                    format?: "vcf" | "csv";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The file, as a download. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/vcard": string;
                        "text/csv": string;
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts/{phone}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Any accepted form; stored as digits */
                phone: string;
            };
            cookie?: never;
        };
        /** Get a contact */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Any accepted form; stored as digits */
                    phone: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The contact. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ContactResult"];
                    };
                };
                404: components["responses"]["NotFound"];
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        /** Delete a contact (409 naming its messages still to send; its history is kept with phone and name) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Any accepted form; stored as digits */
                    phone: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The deleted contact. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ContactResult"];
                    };
                };
                404: components["responses"]["NotFound"];
                409: components["responses"]["Conflict"];
                default: components["responses"]["Error"];
            };
        };
        options?: never;
        head?: never;
        /** Change some fields of a contact (absent or null fields stay) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Any accepted form; stored as digits */
                    phone: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ContactPatch"];
                };
            };
            responses: {
                /** @description The changed contact. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ContactResult"];
                    };
                };
                404: components["responses"]["NotFound"];
                default: components["responses"]["Error"];
            };
        };
        trace?: never;
    };
    "/api/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List scheduled messages, soonest first */
        get: {
            parameters: {
                query?: {
                    status?: components["schemas"]["MessageStatus"];
                    /** @description Recipient phone */
                    to?: string;
                    /** @description Substring of the text, of the recipient's name or aliases, or of the phone; case-insensitive beyond ASCII */
                    search?: string;
                    /** @description scheduled_at >= from (RFC 3339) */
                    from?: string;
                    /** @description scheduled_at < until (RFC 3339) */
                    until?: string;
                    limit?: components["parameters"]["Limit"];
                    offset?: components["parameters"]["Offset"];
                };
                header?: {
                    /** @description The ETag of a list page this client holds: 304 while the database has not changed since */
                    "If-None-Match"?: components["parameters"]["IfNoneMatch"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page. */
                200: {
                    headers: {
                        ETag: components["headers"]["ETag"];
                        "Cache-Control": components["headers"]["CacheControl"];
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessagePage"];
                    };
                };
                304: components["responses"]["NotModified"];
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        /** Schedule a message (an unknown phone gets a minimal contact) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["MessageInput"];
                };
            };
            responses: {
                /** @description Scheduled. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageResult"];
                    };
                };
                409: components["responses"]["Conflict"];
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/messages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        /** Get a scheduled message */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The message. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageResult"];
                    };
                };
                404: components["responses"]["NotFound"];
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        /** Cancel a message (kept as cancelled; 409 while it is being sent or after) */
        delete: {
            parameters: {
                query?: {
                    /** @description For an occurrence of a recurring message: occurrence (default; this one alone, the series goes on) or series (this one and all after it) */
                    scope?: "occurrence" | "series";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The cancelled message. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageResult"];
                    };
                };
                404: components["responses"]["NotFound"];
                409: components["responses"]["Conflict"];
                default: components["responses"]["Error"];
            };
        };
        options?: never;
        head?: never;
        /** Edit a message while it is pending (409 otherwise) */
        patch: {
            parameters: {
                query?: {
                    /** @description For an occurrence of a recurring message: occurrence (default; this one alone, the series goes on) or series (this one and all after it) */
                    scope?: "occurrence" | "series";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["MessagePatch"];
                };
            };
            responses: {
                /** @description The edited message. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageResult"];
                    };
                };
                404: components["responses"]["NotFound"];
                409: components["responses"]["Conflict"];
                default: components["responses"]["Error"];
            };
        };
        trace?: never;
    };
    "/api/messages/{id}/resend": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a failed or cancelled message again, on purpose, as a new message
         * @description Creates a new pending message with the original's recipient and text, due at scheduled_at (default now), whose resent_from names the original (or, for a resend of a resend, the first message). The original keeps its status and history. A message still pending or sending, or sent, is a conflict: resending it could only deliver it twice. This is how a message held after a restore is sent once it is known not to have arrived.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["ResendInput"];
                };
            };
            responses: {
                /** @description The new message. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageResult"];
                    };
                };
                404: components["responses"]["NotFound"];
                409: components["responses"]["Conflict"];
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/restore-review/done": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End the post-restore review once every held item is checked
         * @description The first start on a database that may have lost writes holds what was due before it and records a review, shown as restore_review on /health (see docs/restores.md). This ends it. ended is false when no review was pending.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Whether a review was pending. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Success"] & {
                            data?: {
                                ended?: boolean;
                            };
                        };
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List jobs, latest start first */
        get: {
            parameters: {
                query?: {
                    status?: components["schemas"]["JobStatus"];
                    limit?: components["parameters"]["Limit"];
                    offset?: components["parameters"]["Offset"];
                };
                header?: {
                    /** @description The ETag of a list page this client holds: 304 while the database has not changed since */
                    "If-None-Match"?: components["parameters"]["IfNoneMatch"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page. */
                200: {
                    headers: {
                        ETag: components["headers"]["ETag"];
                        "Cache-Control": components["headers"]["CacheControl"];
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["JobPage"];
                    };
                };
                304: components["responses"]["NotModified"];
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        /** Create a job (a broadcast of message parts to recipients) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["JobInput"];
                };
            };
            responses: {
                /** @description Created. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["JobResult"];
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        /** Get a job with its progress and per-recipient results */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The job. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Success"] & {
                            data?: components["schemas"]["JobDetail"];
                        };
                    };
                };
                404: components["responses"]["NotFound"];
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        /** Cancel a job (same as POST /api/jobs/{id}/cancel) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                200: components["responses"]["Job"];
                404: components["responses"]["NotFound"];
                409: components["responses"]["Conflict"];
                default: components["responses"]["Error"];
            };
        };
        options?: never;
        head?: never;
        /** Edit a job that has not started (no send attempted or in flight; 409 otherwise) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["JobPatch"];
                };
            };
            responses: {
                /** @description The edited job. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["JobResult"];
                    };
                };
                404: components["responses"]["NotFound"];
                409: components["responses"]["Conflict"];
                default: components["responses"]["Error"];
            };
        };
        trace?: never;
    };
    "/api/jobs/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a pending or running job before its next part */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                200: components["responses"]["Job"];
                404: components["responses"]["NotFound"];
                409: components["responses"]["Conflict"];
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused job at its next part */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                200: components["responses"]["Job"];
                404: components["responses"]["NotFound"];
                409: components["responses"]["Conflict"];
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a job for good before its next part */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                200: components["responses"]["Job"];
                404: components["responses"]["NotFound"];
                409: components["responses"]["Conflict"];
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List chats, most recent activity first */
        get: {
            parameters: {
                query?: {
                    unread?: boolean;
                    limit?: components["parameters"]["Limit"];
                    offset?: components["parameters"]["Offset"];
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChatPage"];
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the groups the account is in, with names and participant counts, most recent activity first
         * @description Read from WhatsApp at each connection and kept current by group events (see docs/sending.md, Groups). A group's id is the JID a job recipient or message may be addressed to; "group:<name>" addresses it by name, resolved when the message or job is saved. Creating, editing or resending a message or job to a group the account has left is a 400 naming the field; one made before the account left fails its send at once (invalid recipient, "not a member of group ..."), never as an unknown outcome.
         */
        get: {
            parameters: {
                query?: {
                    unread?: boolean;
                    /** @description Also list the groups the account has left (left_at set) */
                    left?: boolean;
                    limit?: components["parameters"]["Limit"];
                    offset?: components["parameters"]["Offset"];
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChatPage"];
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chats/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The chat's JID */
                id: string;
            };
            cookie?: never;
        };
        /** Get a chat with a page of its messages, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description Only messages older than this Unix time (seconds) */
                    before?: number;
                };
                header?: never;
                path: {
                    /** @description The chat's JID */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The chat. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Success"] & {
                            data?: components["schemas"]["ChatDetail"];
                        };
                    };
                };
                404: components["responses"]["NotFound"];
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chats/{id}/read": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark a chat read (unread_count = 0) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The chat. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Success"] & {
                            data?: components["schemas"]["Chat"];
                        };
                    };
                };
                404: components["responses"]["NotFound"];
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every saved template, by name */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The templates. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Success"] & {
                            data?: components["schemas"]["Template"][];
                        };
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        /** Save a template (a text with placeholders; see docs/sending.md) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TemplateInput"];
                };
            };
            responses: {
                /** @description The saved template. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Success"] & {
                            data?: components["schemas"]["Template"];
                        };
                    };
                };
                409: components["responses"]["Conflict"];
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/templates/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Render a text or a saved template for one recipient, as the scheduler would send it
         * @description Placeholders are {name}, {first_name}, {alias} (the first alias), {tags} (comma-separated), each with an optional fallback after a bar ({alias|friend}); {{ and }} are literal braces. A placeholder the recipient cannot fill and that has no fallback is a 400 naming it.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The text to render (ignored when template_id is given) */
                        text?: string;
                        /**
                         * Format: int64
                         * @description A saved template to render instead of text
                         */
                        template_id?: number;
                        /** @description Phone number or JID */
                        recipient: string;
                    };
                };
            };
            responses: {
                /** @description The rendered text. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Success"] & {
                            data?: {
                                recipient: string;
                                text: string;
                            };
                        };
                    };
                };
                404: components["responses"]["NotFound"];
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/templates/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        /** Get a template */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The template. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Success"] & {
                            data?: components["schemas"]["Template"];
                        };
                    };
                };
                404: components["responses"]["NotFound"];
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        /** Delete a template */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Success"];
                    };
                };
                404: components["responses"]["NotFound"];
                default: components["responses"]["Error"];
            };
        };
        options?: never;
        head?: never;
        /** Change a template's name or text (messages made from it keep their text; a patch that changes nothing leaves updated_at as it was) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TemplateInput"];
                };
            };
            responses: {
                /** @description The changed template. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Success"] & {
                            data?: components["schemas"]["Template"];
                        };
                    };
                };
                404: components["responses"]["NotFound"];
                409: components["responses"]["Conflict"];
                default: components["responses"]["Error"];
            };
        };
        trace?: never;
    };
    "/api/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The sending settings in force and where each value comes from */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The settings. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Success"] & {
                            data?: components["schemas"]["SettingsView"];
                        };
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        /**
         * Save some settings
         * @description Saves the settings the body names; the others keep their values. A saved value wins over the configuration file and the environment and survives restarts; null drops the saved value, so the configuration's applies again. Every value is checked, and the settings as a whole (max_delay_seconds not below min_delay_seconds); nothing is saved when one is bad.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Settings"];
                };
            };
            responses: {
                /** @description The settings after the change. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Success"] & {
                            data?: components["schemas"]["SettingsView"];
                        };
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Scheduled messages and jobs by status (every status, zeros included) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Counts. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Success"] & {
                            data?: {
                                messages?: {
                                    [key: string]: number;
                                };
                                jobs?: {
                                    [key: string]: number;
                                };
                            };
                        };
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Template: {
            /** Format: int64 */
            id: number;
            name: string;
            /** @description Text with placeholders: {name}, {first_name}, {alias}, {tags}, {x|fallback}; {{ and }} for literal braces */
            text: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        TemplateInput: {
            name?: string;
            text?: string;
        };
        Settings: {
            /** @description Default intervalMode of new jobs: true = automatic (human-like pacing), false = manual */
            automatic_mode?: boolean;
            /** @description Manual mode: the pause after a part whose delayAfterSeconds is null */
            part_delay_seconds?: number;
            /**
             * @description Default recipientGapSeconds of new jobs
             * @default 30
             */
            recipient_gap_seconds?: number;
            /**
             * @description Default maxRetries of new jobs
             * @default 3
             */
            max_retries?: number;
            /**
             * @description Automatic mode shows typing… and jitters its delays; off, automatic mode paces without the indicator
             * @default true
             */
            humanize?: boolean;
            /** @default 2 */
            min_delay_seconds?: number;
            /**
             * @description Not below min_delay_seconds
             * @default 8
             */
            max_delay_seconds?: number;
            /**
             * @description Typing speed in characters per second
             * @default 5
             */
            typing_cps?: number;
            /** @description Jobs wait during the quiet window */
            quiet_hours?: boolean;
            /** @default 22:00 */
            quiet_start?: string;
            /** @default 08:00 */
            quiet_end?: string;
            /**
             * @description IANA zone of recipients without a contact time zone
             * @default UTC
             */
            default_timezone?: string;
            /** @description Single scheduled messages wait during quiet hours too */
            quiet_for_messages?: boolean;
            /**
             * @description 0 = no cap
             * @default 20
             */
            max_sends_per_minute?: number;
        };
        SettingsView: {
            settings: components["schemas"]["Settings"];
            /** @description Each setting's origin */
            sources: {
                [key: string]: "config" | "saved";
            };
        };
        Success: {
            /** @constant */
            success: true;
            data: unknown;
        };
        Page: components["schemas"]["Success"] & {
            total: number;
            limit: number;
            offset: number;
        };
        Error: {
            /** @constant */
            success: false;
            error: {
                /** @enum {unknown} */
                code: "VALIDATION_ERROR" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "CONFLICT" | "PAYLOAD_TOO_LARGE" | "RATE_LIMIT_EXCEEDED" | "INTERNAL_ERROR";
                message: string;
                details?: {
                    /** @description The offending input field, header or query parameter */
                    field?: string;
                };
            };
        };
        SchedulerReply: {
            /** @constant */
            success: true;
            message: string;
            data?: {
                sending_stopped?: boolean;
            };
        };
        Health: {
            /** @enum {unknown} */
            status: "ok" | "degraded" | "error";
            /** @description WhatsApp is connected */
            connected: boolean;
            /** @description Messages pending or sending */
            pendingMessages: number;
            /** @description Jobs pending */
            pendingJobs: number;
            /** @description whatsapp or dryrun */
            sender: string;
            /** @description The emergency stop is on */
            sending_stopped?: boolean;
            /** @description Why sending does not work as it should, when it does not: the database refused a claim or a send outcome by its rules (the message or job failed with the reason), or scheduler steps fail and are retried. Present only then; it makes the status degraded. */
            scheduler_problem?: string;
            whatsapp: {
                state?: string;
                reason?: string;
            };
            replication: {
                /** @description child, external or off */
                mode?: string;
                up?: boolean;
                lag_seconds?: number | null;
            };
            /** Format: date-time */
            last_backup_at: string | null;
            /** @description The post-restore review pending after the first start on a database that may have lost writes (see docs/restores.md), null when none is pending; the status is then degraded. */
            restore_review?: {
                /** Format: date-time */
                since?: string;
                reasons?: string[];
                /** @description Messages failed as held */
                messages?: number;
                /** @description Jobs paused as held */
                jobs?: number;
            } | null;
            version: string;
        };
        ContactInput: {
            /** @description Digits, optionally +, spaces, dashes; 6-15 digits */
            phone: string;
            name: string;
            aliases?: string[];
            tags?: string[];
            is_favorite?: boolean;
            secondary_phone?: string;
            /** @description IANA time zone */
            timezone?: string;
            notes?: string;
        };
        ContactPatch: {
            /** @description Corrects the phone (same rules as on create); the contact's scheduled messages follow */
            phone?: string | null;
            name?: string | null;
            aliases?: string[] | null;
            tags?: string[] | null;
            is_favorite?: boolean | null;
            secondary_phone?: string | null;
            timezone?: string | null;
            notes?: string | null;
        };
        Contact: {
            id?: number;
            phone?: string;
            name?: string;
            aliases?: string[];
            tags?: string[];
            is_favorite?: boolean;
            secondary_phone?: string;
            timezone?: string;
            notes?: string;
            /** @description Present when the phone is not a valid number in digits-only form: a number kept as it was typed because it cannot be normalised without guessing (too short, letters, its digits another contact's). Sends to it are refused until someone corrects it (PATCH phone). */
            phone_problem?: string;
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            updated_at?: string;
        };
        ContactResult: components["schemas"]["Success"] & {
            data?: components["schemas"]["Contact"];
        };
        ContactImportResult: components["schemas"]["Success"] & {
            data?: components["schemas"]["ContactImportReport"];
        };
        ContactImportReport: {
            /** @enum {string} */
            format: "vcf" | "csv";
            dry_run: boolean;
            cards: number;
            added: number;
            merged: number;
            unchanged: number;
            skipped: number;
            entries: {
                /** @description The line the card starts on */
                line: number;
                name: string;
                phone?: string;
                /** @enum {string} */
                result: "added" | "merged" | "unchanged" | "skipped";
                /** @description Why a card was skipped */
                reason?: string;
                /** @description What was changed on the way */
                notes?: string[];
            }[];
            /** @description Birthdays found, offered for a yearly message; nothing is scheduled. */
            birthdays: {
                phone: string;
                name: string;
                /** @description 1980-03-14, or --03-14 without a year */
                date: string;
                birthday: {
                    year?: number;
                    month: number;
                    day: number;
                };
            }[];
        };
        ContactPage: components["schemas"]["Page"] & {
            data?: components["schemas"]["Contact"][];
        };
        /** @enum {unknown} */
        MessageStatus: "pending" | "sending" | "sent" | "failed" | "cancelled";
        /** @description The text is message, or else the saved template's named by template_id (one of them is required). */
        MessageInput: {
            /** @description A phone, a user JID, a group JID (…@g.us) or group:<name> (resolved to the group's JID; 400 when no group or several have that name) */
            to_phone: string;
            /** @description The text; placeholders are filled per recipient when sent. Left out or empty with template_id: the template's text */
            message?: string;
            /** @description A saved template (GET /api/templates) the text is filled from; its text is copied, so editing the template later changes nothing scheduled. A placeholder the recipient cannot fill is a 400 naming template_id (message when the text is the message's own) */
            template_id?: number;
            /**
             * @example 2026-12-24T18:00:00+01:00
             * @example 2026-12-24 18:00
             * @example now
             */
            scheduled_at: string;
            contact_name?: string;
            /** @description IANA zone of a wall-clock scheduled_at, and of a recurring message's occurrences */
            timezone?: string;
            /**
             * @description RFC 5545 RRULE subset (docs/sending.md); the message is the series' first occurrence
             * @example FREQ=YEARLY
             * @example FREQ=WEEKLY;BYDAY=MO,TH
             * @example FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=12
             */
            recurrence?: string;
        };
        MessagePatch: {
            to_phone?: string | null;
            message?: string | null;
            scheduled_at?: string | null;
            contact_name?: string | null;
            /** @description Only together with scheduled_at */
            timezone?: string | null;
            /** @description Sets or changes the series' rule (empty ends the series after this occurrence) */
            recurrence?: string | null;
            /** @description Fills the text from this saved template, unless message is given too (which is then kept) */
            template_id?: number | null;
        };
        ResendInput: {
            /** @description RFC 3339, or a wall-clock time in timezone, else the message's or its contact's zone; default now */
            scheduled_at?: string;
            /** @description Only together with scheduled_at */
            timezone?: string;
        };
        ScheduledMessage: {
            id?: string;
            to_phone?: string;
            contact_name?: string;
            message?: string;
            /** Format: date-time */
            scheduled_at?: string;
            status?: components["schemas"]["MessageStatus"];
            error_message?: string;
            wa_message_id?: string;
            created_from?: string;
            recipient_timezone?: string;
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            updated_at?: string;
            /** Format: date-time */
            sent_at?: string | null;
            /** @description The message this one sends again (POST /api/messages/{id}/resend) */
            resent_from?: string;
            /** @description The series' RRULE, on its pending occurrence */
            recurrence?: string;
            /** @description The id of the series' first occurrence */
            series_id?: string;
            /** Format: date-time */
            series_start?: string;
            /** @description This row's number in the series, from 1 */
            occurrence?: number;
            /** @description The series' next three times from this occurrence on, UTC */
            next_occurrences?: string[];
            /** @description The saved template the text was filled from (gone when the template is deleted) */
            template_id?: number;
        };
        MessageResult: components["schemas"]["Success"] & {
            data?: components["schemas"]["ScheduledMessage"];
        };
        MessagePage: components["schemas"]["Page"] & {
            data?: components["schemas"]["ScheduledMessage"][];
        };
        /** @enum {unknown} */
        JobStatus: "pending" | "running" | "paused" | "completed" | "failed" | "cancelled";
        /** @description The part's text is text, or else (text empty) the saved template's named by templateId. */
        MessagePart: {
            /** @description Placeholders are filled per recipient when sent; a placeholder a recipient cannot fill is a 400. Empty with templateId: the template's text */
            text: string;
            /** @description Pause after this part before the next part to the same recipient, in seconds; a fraction is allowed (2.5) and kept to the millisecond. null: the settings' part delay (manual mode) or a worked-out pause (automatic mode). */
            delayAfterSeconds?: number | null;
            /** @description A saved template the text is filled from (copied; gone when the template is deleted). A placeholder a recipient cannot fill in the template's text is a 400 naming message_parts[i].templateId */
            templateId?: number;
        };
        /**
         * @description On create, the fields given are merged over the settings' job defaults
         *     (`recipient_gap_seconds`, 30; `max_retries`, 3); on PATCH, over the job's config. A field
         *     left out keeps its value.
         */
        JobConfig: {
            /** @description Pause between one recipient's last part and the next recipient's first */
            recipientGapSeconds?: number;
            /** @description Times a part that was not sent (nothing reached WhatsApp) is tried again before its recipient is counted failed */
            maxRetries?: number;
            /**
             * @description automatic: "typing…" before each part for the text's length at the typing speed, clamped to the settings' min/max delay and jittered; parts without delayAfterSeconds pause between the min and max delay, recipient gaps are jittered. manual: the explicit delays only. Left out: the settings' automatic_mode decides.
             * @enum {unknown}
             */
            intervalMode?: "automatic" | "manual";
        };
        JobInput: {
            /** @description Default: the first part's text, cut to 50 characters */
            title?: string;
            scheduled_start_at: string;
            timezone?: string;
            /** @description A recipient given twice (by any form of the same number) is sent to once; the response lists the repeats in duplicate_recipients */
            recipients: string[];
            message_parts: components["schemas"]["MessagePart"][];
            config?: components["schemas"]["JobConfig"];
        };
        JobPatch: {
            title?: string | null;
            scheduled_start_at?: string | null;
            /** @description Only together with scheduled_start_at */
            timezone?: string | null;
            recipients?: string[] | null;
            message_parts?: components["schemas"]["MessagePart"][] | null;
            config?: components["schemas"]["JobConfig"];
        };
        Job: {
            id?: string;
            title?: string;
            status?: components["schemas"]["JobStatus"];
            /** Format: date-time */
            scheduled_start_at?: string;
            recipients?: string[];
            /** @description Only in the response to a create or PATCH: recipients dropped as repeats, as given */
            duplicate_recipients?: string[];
            message_parts?: components["schemas"]["MessagePart"][];
            config?: components["schemas"]["JobConfig"];
            current_recipient_index?: number;
            current_part_index?: number;
            recipients_sent?: number;
            recipients_failed?: number;
            /** Format: date-time */
            last_sent_at?: string | null;
            /**
             * Format: date-time
             * @description When the next part is due. null when that is scheduled_start_at (a first part that quiet hours did not move), while the job is paused (nothing is due; on resume the step goes at the time it was due, or at once when that has passed, and this field shows which) and once the job has ended.
             */
            next_step_at?: string | null;
            error_message?: string;
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            updated_at?: string;
            /** Format: date-time */
            completed_at?: string | null;
            /** Format: date-time */
            cancelled_at?: string | null;
        };
        JobResult: components["schemas"]["Success"] & {
            data?: components["schemas"]["Job"];
        };
        JobPage: components["schemas"]["Page"] & {
            data?: components["schemas"]["Job"][];
        };
        Delivery: {
            id?: number;
            job_id?: string;
            recipient_index?: number;
            part_index?: number;
            recipient?: string;
            wa_message_id?: string;
            /** @enum {unknown} */
            state?: "claimed" | "sent" | "delivered" | "read" | "not_sent" | "unknown" | "failed";
            error?: string;
            attempts?: number;
            /** Format: date-time */
            claimed_at?: string;
            /** Format: date-time */
            sent_at?: string | null;
            /** Format: date-time */
            delivered_at?: string | null;
            /** Format: date-time */
            read_at?: string | null;
        };
        JobDetail: components["schemas"]["Job"] & {
            progress?: {
                recipients?: number;
                /** @description Recipients sent or failed */
                done?: number;
                percent?: number;
            };
            results?: {
                recipient_index?: number;
                recipient?: string;
                deliveries?: components["schemas"]["Delivery"][];
            }[];
            /** @description The quiet hours the job's steps wait out (settings as they are now, in each recipient's time zone: its contact's, else default_timezone, which groups use too); null when off */
            quiet_hours?: null | {
                /** @example 22:00 */
                start?: string;
                /** @example 08:00 */
                end?: string;
                default_timezone?: string;
            };
        };
        Chat: {
            id?: string;
            name?: string;
            is_group?: boolean;
            unread_count?: number;
            /** @description Unix seconds */
            last_message_time?: number;
            /** @description A group's members as WhatsApp last reported them; 0 when unknown */
            participant_count?: number;
            /**
             * Format: date-time
             * @description When the account was seen to leave the group (or was removed, or the group was deleted); null while a member
             */
            left_at?: string | null;
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            updated_at?: string;
        };
        ChatMessage: {
            id?: number;
            chat_id?: string;
            message?: string;
            /** @description Unix seconds */
            timestamp?: number;
            is_from_me?: boolean;
            message_type?: string;
            wa_message_id?: string;
            sender_jid?: string;
            raw_message?: string;
        };
        ChatDetail: components["schemas"]["Chat"] & {
            messages?: components["schemas"]["ChatMessage"][];
        };
        ChatPage: components["schemas"]["Page"] & {
            data?: components["schemas"]["Chat"][];
        };
    };
    responses: {
        /** @description Nothing changed since the page whose ETag was sent in If-None-Match; no body. */
        NotModified: {
            headers: {
                [name: string]: unknown;
            };
            content?: never;
        };
        /**
         * @description An error: 400 VALIDATION_ERROR, 401 UNAUTHORIZED, 403 FORBIDDEN, 404 NOT_FOUND,
         *     405 METHOD_NOT_ALLOWED (with `Allow`), 409 CONFLICT, 413 PAYLOAD_TOO_LARGE,
         *     429 RATE_LIMIT_EXCEEDED, 500 INTERNAL_ERROR.
         */
        Error: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Missing or wrong secret. */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Client IP not allowed. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Too many failed authentications from this client; see Retry-After. */
        RateLimited: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No such record. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The record's state forbids the change, or an Idempotency-Key was reused with another body. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The job. */
        Job: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["JobResult"];
            };
        };
    };
    parameters: {
        IdempotencyKey: string;
        Limit: number;
        Offset: number;
        /** @description The ETag of a list page this client holds: 304 while the database has not changed since */
        IfNoneMatch: string;
    };
    requestBodies: never;
    headers: {
        /**
         * @description Names a list page at the database's current state. The server keeps the last few list
         *     pages it sent and sends them again until any write to the database (through the API, the
         *     CLI or any other program) changes it.
         */
        ETag: string;
        /** @description no-cache: a client may keep the page but must ask again (with If-None-Match) */
        CacheControl: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
