import logging

from celery import shared_task

from governance import tree

logger = logging.getLogger(__name__)


@shared_task
def check_trees():
    """Beat: verify the nested-set numbers; a problem is logged loudly (it only reads)."""
    problems = tree.find_problems()
    for problem in problems:
        logger.error("organisation tree inconsistency: %s", problem)
    return len(problems)
