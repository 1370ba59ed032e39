FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var
WORKDIR /app
# pg_dump and pg_restore for `manage.py backup` / `restore` (Debian's 15, as the compose server).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml requirements.lock ./
RUN pip install --no-cache-dir -c requirements.lock .
COPY . .
RUN pybabel compile --domain django --directory locale \
 && DEBUG=0 SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://build-only:6379/0 python manage.py collectstatic --noinput \
 && useradd --create-home hongge && mkdir -p var/backups media && chown -R hongge var media
USER hongge
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
