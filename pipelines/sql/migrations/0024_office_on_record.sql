-- Who held the role when a question was put or a decision taken, as force.yaml named the office and titled its holder
-- then: the role can change hands (a Police and Crime Commissioner's passing to a Mayor, or to a policing board), and
-- the public record of a question the office put, or of a decision, says who put or took it, not who holds the role
-- now. NULL for one recorded before this was kept: it is read with the words force.yaml gives now.
ALTER TABLE board_question ADD COLUMN office_name VARCHAR;
ALTER TABLE assurance_decision ADD COLUMN holder_title VARCHAR;
