"""The statements of statements.py compiled for each engine. Written by
`make sql` (python -m fieldcoach.team.statements): do not edit."""

from typing import Any

SQLALCHEMY = '2.1.9'  # the version that compiled them

SQL: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {
    'sqlite': {
        'audit_all': (
            'SELECT audit_log.id, audit_log.at, audit_log.who, audit_log.action, audit_log.scope \nFROM audit_log ORDER BY audit_log.at, audit_log.id',
            {}),
        'audit_entries': (
            'SELECT audit_log.id, audit_log.at, audit_log.who, audit_log.action, audit_log.scope \nFROM audit_log \nWHERE audit_log.at >= :since ORDER BY audit_log.at, audit_log.id',
            {}),
        'audit_insert': (
            'INSERT INTO audit_log (at, who, action, scope) VALUES (:at, :who, :action, :scope)',
            {}),
        'audit_purge': (
            'DELETE FROM audit_log WHERE audit_log.at < :cut',
            {}),
        'coaching_calls/manager': (
            'SELECT call.rep_id, call.manager_id, call.rep_id AS rep_id__1, call.started_at, call.ended_at, call.feedback_started_at, call.feedback_ended_at \nFROM call \nWHERE call.started_at >= :start AND call.started_at < :end AND call.deleted_at IS NULL AND call.manager_id = :manager_id AND call.kind != :kind_1',
            {'kind_1': 'selling'}),
        'coaching_calls/team': (
            'SELECT call.manager_id, call.manager_id AS manager_id__1, call.rep_id, call.started_at, call.ended_at, call.feedback_started_at, call.feedback_ended_at \nFROM call \nWHERE call.started_at >= :start AND call.started_at < :end AND call.deleted_at IS NULL AND call.kind != :kind_1',
            {'kind_1': 'selling'}),
        'file_states': (
            'SELECT ingest_file.folder, ingest_file.path, ingest_file.size, ingest_file.mtime_ns, ingest_file.sha256, ingest_file.read_ns \nFROM ingest_file \nWHERE ingest_file.folder = :folder AND ingest_file.path >= :lo AND ingest_file.path < :hi',
            {}),
        'focus_skills/manager': (
            'SELECT goal.rep_id, goal.skill_ids \nFROM goal JOIN rep ON rep.id = goal.rep_id \nWHERE goal.deleted_at IS NULL AND goal.status = :status_1 AND rep.manager_id = :manager_id',
            {'status_1': 'active'}),
        'focus_skills/team': (
            'SELECT goal.rep_id, goal.skill_ids \nFROM goal JOIN rep ON rep.id = goal.rep_id \nWHERE goal.deleted_at IS NULL AND goal.status = :status_1',
            {'status_1': 'active'}),
        'last_coached': (
            'SELECT call.rep_id, max(call.started_at) AS max_1 \nFROM call \nWHERE call.manager_id = :manager_id AND call.deleted_at IS NULL AND call.kind != :kind_1 AND call.started_at < :end GROUP BY call.rep_id',
            {'kind_1': 'selling'}),
        'manager': (
            'SELECT manager.id, manager.name, manager.budget_minutes_week, manager.late_minutes \nFROM manager \nWHERE manager.id = :manager_id',
            {}),
        'manager_count': (
            'SELECT count(*) AS count_1 \nFROM manager',
            {}),
        'managers': (
            'SELECT manager.id, manager.name, manager.budget_minutes_week, manager.late_minutes \nFROM manager',
            {}),
        'ratings/manager': (
            'SELECT call.rep_id, call.rep_id AS rep_id__1, call.id, call.started_at, m.skill_id, m.score, r.score AS score_1 \nFROM call JOIN rating AS m ON m.call_id = call.id AND m.deleted_at IS NULL AND m."by" = :by_1 LEFT OUTER JOIN rating AS r ON r.call_id = call.id AND r.deleted_at IS NULL AND r."by" = :by_2 AND r.skill_id = m.skill_id \nWHERE call.started_at >= :start AND call.started_at < :end AND call.deleted_at IS NULL AND call.manager_id = :manager_id AND call.kind != :kind_1',
            {'by_1': 'manager', 'by_2': 'rep', 'kind_1': 'selling'}),
        'ratings/team': (
            'SELECT call.manager_id, call.rep_id, call.id, call.started_at, m.skill_id, m.score, r.score AS score_1 \nFROM call JOIN rating AS m ON m.call_id = call.id AND m.deleted_at IS NULL AND m."by" = :by_1 LEFT OUTER JOIN rating AS r ON r.call_id = call.id AND r.deleted_at IS NULL AND r."by" = :by_2 AND r.skill_id = m.skill_id \nWHERE call.started_at >= :start AND call.started_at < :end AND call.deleted_at IS NULL AND call.kind != :kind_1',
            {'by_1': 'manager', 'by_2': 'rep', 'kind_1': 'selling'}),
        'recent_reps/manager': (
            'SELECT call.rep_id, call.rep_id AS rep_id__1 \nFROM call \nWHERE call.started_at >= :start AND call.started_at < :end AND call.deleted_at IS NULL AND call.manager_id = :manager_id AND call.kind != :kind_1 GROUP BY call.rep_id, call.rep_id',
            {'kind_1': 'selling'}),
        'recent_reps/team': (
            'SELECT call.manager_id, call.rep_id \nFROM call \nWHERE call.started_at >= :start AND call.started_at < :end AND call.deleted_at IS NULL AND call.kind != :kind_1 GROUP BY call.manager_id, call.rep_id',
            {'kind_1': 'selling'}),
        'rep_calls': (
            'SELECT call.id, call.kind, call.status, call.scheduled_at, call.started_at, call.ended_at, call.feedback_started_at, call.feedback_ended_at, call.rep_acknowledged_at, call.rep_comment \nFROM call \nWHERE call.manager_id = :manager_id AND call.rep_id = :rep_id AND call.deleted_at IS NULL AND (call.started_at >= :start AND call.started_at < :end OR call.started_at IS NULL AND call.scheduled_at >= :start AND call.scheduled_at < :end)',
            {}),
        'rep_counts': (
            'SELECT rep.manager_id, count(*) AS count_1 \nFROM rep \nWHERE rep.deleted_at IS NULL GROUP BY rep.manager_id',
            {}),
        'rep_ratings': (
            'SELECT rating.call_id, rating.skill_id, rating."by", rating.score \nFROM call JOIN rating ON rating.call_id = call.id AND rating.deleted_at IS NULL \nWHERE call.manager_id = :manager_id AND call.rep_id = :rep_id AND call.deleted_at IS NULL AND (call.started_at >= :start AND call.started_at < :end OR call.started_at IS NULL AND call.scheduled_at >= :start AND call.scheduled_at < :end)',
            {}),
        'rep_steps': (
            'SELECT next_step.call_id, next_step.due_at, next_step.done_at \nFROM next_step \nWHERE next_step.rep_id = :rep_id AND next_step.deleted_at IS NULL',
            {}),
        'roster': (
            'SELECT rep.id, rep.name \nFROM rep \nWHERE rep.manager_id = :manager_id AND rep.deleted_at IS NULL',
            {}),
        'schema_version': (
            'SELECT schema_version.version \nFROM schema_version',
            {}),
        'selling_done/manager': (
            'SELECT call.rep_id, count(*) AS count_1 \nFROM call \nWHERE call.scheduled_at >= :start AND call.scheduled_at < :end AND call.deleted_at IS NULL AND call.manager_id = :manager_id AND call.kind = :kind_1 AND call.status = :status_1 GROUP BY call.rep_id',
            {'kind_1': 'selling', 'status_1': 'done'}),
        'selling_done/team': (
            'SELECT call.manager_id, count(*) AS count_1 \nFROM call \nWHERE call.scheduled_at >= :start AND call.scheduled_at < :end AND call.deleted_at IS NULL AND call.kind = :kind_1 AND call.status = :status_1 GROUP BY call.manager_id',
            {'kind_1': 'selling', 'status_1': 'done'}),
        'steps_done/manager': (
            'SELECT rep.id, count(*) AS count_1 \nFROM next_step JOIN rep ON next_step.deleted_at IS NULL AND rep.id = next_step.rep_id \nWHERE next_step.done_at >= :start AND next_step.done_at < :end AND rep.manager_id = :manager_id GROUP BY rep.id',
            {}),
        'steps_done/team': (
            'SELECT rep.manager_id, count(*) AS count_1 \nFROM next_step JOIN rep ON next_step.deleted_at IS NULL AND rep.id = next_step.rep_id \nWHERE next_step.done_at >= :start AND next_step.done_at < :end GROUP BY rep.manager_id',
            {}),
        'steps_overdue/manager': (
            'SELECT rep.id, count(*) AS count_1 \nFROM next_step JOIN rep ON next_step.deleted_at IS NULL AND rep.id = next_step.rep_id \nWHERE next_step.due_at >= :start AND next_step.due_at < :end AND next_step.done_at IS NULL AND rep.manager_id = :manager_id GROUP BY rep.id',
            {}),
        'steps_overdue/team': (
            'SELECT rep.manager_id, count(*) AS count_1 \nFROM next_step JOIN rep ON next_step.deleted_at IS NULL AND rep.id = next_step.rep_id \nWHERE next_step.due_at >= :start AND next_step.due_at < :end AND next_step.done_at IS NULL GROUP BY rep.manager_id',
            {}),
    },
    'postgresql': {
        'audit_all': (
            'SELECT audit_log.id, audit_log.at, audit_log.who, audit_log.action, audit_log.scope \nFROM audit_log ORDER BY audit_log.at, audit_log.id',
            {}),
        'audit_entries': (
            'SELECT audit_log.id, audit_log.at, audit_log.who, audit_log.action, audit_log.scope \nFROM audit_log \nWHERE audit_log.at >= %(since)s::VARCHAR COLLATE "C" ORDER BY audit_log.at, audit_log.id',
            {}),
        'audit_insert': (
            'INSERT INTO audit_log (at, who, action, scope) VALUES (%(at)s::VARCHAR COLLATE "C", %(who)s::VARCHAR COLLATE "C", %(action)s::VARCHAR COLLATE "C", %(scope)s::VARCHAR COLLATE "C") RETURNING audit_log.id',
            {}),
        'audit_purge': (
            'DELETE FROM audit_log WHERE audit_log.at < %(cut)s::VARCHAR COLLATE "C"',
            {}),
        'coaching_calls/manager': (
            'SELECT call.rep_id, call.manager_id, call.rep_id AS rep_id__1, call.started_at, call.ended_at, call.feedback_started_at, call.feedback_ended_at \nFROM call \nWHERE call.started_at >= %(start)s::VARCHAR COLLATE "C" AND call.started_at < %(end)s::VARCHAR COLLATE "C" AND call.deleted_at IS NULL AND call.manager_id = %(manager_id)s::VARCHAR COLLATE "C" AND call.kind != %(kind_1)s::VARCHAR COLLATE "C"',
            {'kind_1': 'selling'}),
        'coaching_calls/team': (
            'SELECT call.manager_id, call.manager_id AS manager_id__1, call.rep_id, call.started_at, call.ended_at, call.feedback_started_at, call.feedback_ended_at \nFROM call \nWHERE call.started_at >= %(start)s::VARCHAR COLLATE "C" AND call.started_at < %(end)s::VARCHAR COLLATE "C" AND call.deleted_at IS NULL AND call.kind != %(kind_1)s::VARCHAR COLLATE "C"',
            {'kind_1': 'selling'}),
        'file_states': (
            'SELECT ingest_file.folder, ingest_file.path, ingest_file.size, ingest_file.mtime_ns, ingest_file.sha256, ingest_file.read_ns \nFROM ingest_file \nWHERE ingest_file.folder = %(folder)s::VARCHAR COLLATE "C" AND ingest_file.path >= %(lo)s::VARCHAR COLLATE "C" AND ingest_file.path < %(hi)s::VARCHAR COLLATE "C"',
            {}),
        'focus_skills/manager': (
            'SELECT goal.rep_id, goal.skill_ids \nFROM goal JOIN rep ON rep.id = goal.rep_id \nWHERE goal.deleted_at IS NULL AND goal.status = %(status_1)s::VARCHAR COLLATE "C" AND rep.manager_id = %(manager_id)s::VARCHAR COLLATE "C"',
            {'status_1': 'active'}),
        'focus_skills/team': (
            'SELECT goal.rep_id, goal.skill_ids \nFROM goal JOIN rep ON rep.id = goal.rep_id \nWHERE goal.deleted_at IS NULL AND goal.status = %(status_1)s::VARCHAR COLLATE "C"',
            {'status_1': 'active'}),
        'last_coached': (
            'SELECT call.rep_id, max(call.started_at) AS max_1 \nFROM call \nWHERE call.manager_id = %(manager_id)s::VARCHAR COLLATE "C" AND call.deleted_at IS NULL AND call.kind != %(kind_1)s::VARCHAR COLLATE "C" AND call.started_at < %(end)s::VARCHAR COLLATE "C" GROUP BY call.rep_id',
            {'kind_1': 'selling'}),
        'manager': (
            'SELECT manager.id, manager.name, manager.budget_minutes_week, manager.late_minutes \nFROM manager \nWHERE manager.id = %(manager_id)s::VARCHAR COLLATE "C"',
            {}),
        'manager_count': (
            'SELECT count(*) AS count_1 \nFROM manager',
            {}),
        'managers': (
            'SELECT manager.id, manager.name, manager.budget_minutes_week, manager.late_minutes \nFROM manager',
            {}),
        'ratings/manager': (
            'SELECT call.rep_id, call.rep_id AS rep_id__1, call.id, call.started_at, m.skill_id, m.score, r.score AS score_1 \nFROM call JOIN rating AS m ON m.call_id = call.id AND m.deleted_at IS NULL AND m.by = %(by_1)s::VARCHAR COLLATE "C" LEFT OUTER JOIN rating AS r ON r.call_id = call.id AND r.deleted_at IS NULL AND r.by = %(by_2)s::VARCHAR COLLATE "C" AND r.skill_id = m.skill_id \nWHERE call.started_at >= %(start)s::VARCHAR COLLATE "C" AND call.started_at < %(end)s::VARCHAR COLLATE "C" AND call.deleted_at IS NULL AND call.manager_id = %(manager_id)s::VARCHAR COLLATE "C" AND call.kind != %(kind_1)s::VARCHAR COLLATE "C"',
            {'by_1': 'manager', 'by_2': 'rep', 'kind_1': 'selling'}),
        'ratings/team': (
            'SELECT call.manager_id, call.rep_id, call.id, call.started_at, m.skill_id, m.score, r.score AS score_1 \nFROM call JOIN rating AS m ON m.call_id = call.id AND m.deleted_at IS NULL AND m.by = %(by_1)s::VARCHAR COLLATE "C" LEFT OUTER JOIN rating AS r ON r.call_id = call.id AND r.deleted_at IS NULL AND r.by = %(by_2)s::VARCHAR COLLATE "C" AND r.skill_id = m.skill_id \nWHERE call.started_at >= %(start)s::VARCHAR COLLATE "C" AND call.started_at < %(end)s::VARCHAR COLLATE "C" AND call.deleted_at IS NULL AND call.kind != %(kind_1)s::VARCHAR COLLATE "C"',
            {'by_1': 'manager', 'by_2': 'rep', 'kind_1': 'selling'}),
        'recent_reps/manager': (
            'SELECT call.rep_id, call.rep_id AS rep_id__1 \nFROM call \nWHERE call.started_at >= %(start)s::VARCHAR COLLATE "C" AND call.started_at < %(end)s::VARCHAR COLLATE "C" AND call.deleted_at IS NULL AND call.manager_id = %(manager_id)s::VARCHAR COLLATE "C" AND call.kind != %(kind_1)s::VARCHAR COLLATE "C" GROUP BY call.rep_id, call.rep_id',
            {'kind_1': 'selling'}),
        'recent_reps/team': (
            'SELECT call.manager_id, call.rep_id \nFROM call \nWHERE call.started_at >= %(start)s::VARCHAR COLLATE "C" AND call.started_at < %(end)s::VARCHAR COLLATE "C" AND call.deleted_at IS NULL AND call.kind != %(kind_1)s::VARCHAR COLLATE "C" GROUP BY call.manager_id, call.rep_id',
            {'kind_1': 'selling'}),
        'rep_calls': (
            'SELECT call.id, call.kind, call.status, call.scheduled_at, call.started_at, call.ended_at, call.feedback_started_at, call.feedback_ended_at, call.rep_acknowledged_at, call.rep_comment \nFROM call \nWHERE call.manager_id = %(manager_id)s::VARCHAR COLLATE "C" AND call.rep_id = %(rep_id)s::VARCHAR COLLATE "C" AND call.deleted_at IS NULL AND (call.started_at >= %(start)s::VARCHAR COLLATE "C" AND call.started_at < %(end)s::VARCHAR COLLATE "C" OR call.started_at IS NULL AND call.scheduled_at >= %(start)s::VARCHAR COLLATE "C" AND call.scheduled_at < %(end)s::VARCHAR COLLATE "C")',
            {}),
        'rep_counts': (
            'SELECT rep.manager_id, count(*) AS count_1 \nFROM rep \nWHERE rep.deleted_at IS NULL GROUP BY rep.manager_id',
            {}),
        'rep_ratings': (
            'SELECT rating.call_id, rating.skill_id, rating.by, rating.score \nFROM call JOIN rating ON rating.call_id = call.id AND rating.deleted_at IS NULL \nWHERE call.manager_id = %(manager_id)s::VARCHAR COLLATE "C" AND call.rep_id = %(rep_id)s::VARCHAR COLLATE "C" AND call.deleted_at IS NULL AND (call.started_at >= %(start)s::VARCHAR COLLATE "C" AND call.started_at < %(end)s::VARCHAR COLLATE "C" OR call.started_at IS NULL AND call.scheduled_at >= %(start)s::VARCHAR COLLATE "C" AND call.scheduled_at < %(end)s::VARCHAR COLLATE "C")',
            {}),
        'rep_steps': (
            'SELECT next_step.call_id, next_step.due_at, next_step.done_at \nFROM next_step \nWHERE next_step.rep_id = %(rep_id)s::VARCHAR COLLATE "C" AND next_step.deleted_at IS NULL',
            {}),
        'roster': (
            'SELECT rep.id, rep.name \nFROM rep \nWHERE rep.manager_id = %(manager_id)s::VARCHAR COLLATE "C" AND rep.deleted_at IS NULL',
            {}),
        'schema_version': (
            'SELECT schema_version.version \nFROM schema_version',
            {}),
        'selling_done/manager': (
            'SELECT call.rep_id, count(*) AS count_1 \nFROM call \nWHERE call.scheduled_at >= %(start)s::VARCHAR COLLATE "C" AND call.scheduled_at < %(end)s::VARCHAR COLLATE "C" AND call.deleted_at IS NULL AND call.manager_id = %(manager_id)s::VARCHAR COLLATE "C" AND call.kind = %(kind_1)s::VARCHAR COLLATE "C" AND call.status = %(status_1)s::VARCHAR COLLATE "C" GROUP BY call.rep_id',
            {'kind_1': 'selling', 'status_1': 'done'}),
        'selling_done/team': (
            'SELECT call.manager_id, count(*) AS count_1 \nFROM call \nWHERE call.scheduled_at >= %(start)s::VARCHAR COLLATE "C" AND call.scheduled_at < %(end)s::VARCHAR COLLATE "C" AND call.deleted_at IS NULL AND call.kind = %(kind_1)s::VARCHAR COLLATE "C" AND call.status = %(status_1)s::VARCHAR COLLATE "C" GROUP BY call.manager_id',
            {'kind_1': 'selling', 'status_1': 'done'}),
        'steps_done/manager': (
            'SELECT rep.id, count(*) AS count_1 \nFROM next_step JOIN rep ON next_step.deleted_at IS NULL AND rep.id = next_step.rep_id \nWHERE next_step.done_at >= %(start)s::VARCHAR COLLATE "C" AND next_step.done_at < %(end)s::VARCHAR COLLATE "C" AND rep.manager_id = %(manager_id)s::VARCHAR COLLATE "C" GROUP BY rep.id',
            {}),
        'steps_done/team': (
            'SELECT rep.manager_id, count(*) AS count_1 \nFROM next_step JOIN rep ON next_step.deleted_at IS NULL AND rep.id = next_step.rep_id \nWHERE next_step.done_at >= %(start)s::VARCHAR COLLATE "C" AND next_step.done_at < %(end)s::VARCHAR COLLATE "C" GROUP BY rep.manager_id',
            {}),
        'steps_overdue/manager': (
            'SELECT rep.id, count(*) AS count_1 \nFROM next_step JOIN rep ON next_step.deleted_at IS NULL AND rep.id = next_step.rep_id \nWHERE next_step.due_at >= %(start)s::VARCHAR COLLATE "C" AND next_step.due_at < %(end)s::VARCHAR COLLATE "C" AND next_step.done_at IS NULL AND rep.manager_id = %(manager_id)s::VARCHAR COLLATE "C" GROUP BY rep.id',
            {}),
        'steps_overdue/team': (
            'SELECT rep.manager_id, count(*) AS count_1 \nFROM next_step JOIN rep ON next_step.deleted_at IS NULL AND rep.id = next_step.rep_id \nWHERE next_step.due_at >= %(start)s::VARCHAR COLLATE "C" AND next_step.due_at < %(end)s::VARCHAR COLLATE "C" AND next_step.done_at IS NULL GROUP BY rep.manager_id',
            {}),
    },
}
