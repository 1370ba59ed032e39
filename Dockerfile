FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var
WORKDIR /app
COPY pyproject.toml requirements.lock ./
RUN pip install --no-cache-dir -c requirements.lock .
COPY . .
RUN pybabel compile --domain django --directory locale \
 && DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --noinput \
 && useradd --create-home hongge && mkdir -p var media && chown -R hongge var media
USER hongge
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
