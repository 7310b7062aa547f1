-- CreateIndex
CREATE INDEX "AuditEvent_userId_at_id_idx" ON "AuditEvent"("userId", "at", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_id_idx" ON "AuditEvent"("action", "at", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_outcome_at_id_idx" ON "AuditEvent"("outcome", "at", "id");
